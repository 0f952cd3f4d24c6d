"""Sharing between agencies (政务数据共享): SHARING.md."""
