"""In-app inbox: every notice a workflow sends a user (outcomes, reminders, escalations)."""
