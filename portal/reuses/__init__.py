"""What was built with the portal's data (利用成果) and what users think of an entry (ratings and comments)."""
