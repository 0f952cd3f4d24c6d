"""Disputes to the data authority about open-data decisions (争议协调, OVERSIGHT §7): services.py; the
expert committee's referral, shared with the sharing disputes, is referral.py."""
