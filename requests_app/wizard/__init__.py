"""The visitor's journey: the landing page, the wizard's questions and flow, where the plan is kept, the plan page."""
