"""Request tracking: the tracked requests, their writes and deadlines, reminders, screenshots and pages."""
