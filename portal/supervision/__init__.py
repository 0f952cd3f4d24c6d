"""Supervision (督办): every open case of every workflow with its due date, for the authority.

Each workflow registers a *case source* — a function returning its open cases — so the supervision
page and the deadline reminders see every workflow without knowing their models.
"""
