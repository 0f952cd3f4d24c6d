"""Conditional-open applications (有条件开放申请), grants of access, usage reports and misuse suspensions."""
