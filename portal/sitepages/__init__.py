"""The pages every government website has: help, site map, contact, privacy policy, terms of use, footer lines."""
