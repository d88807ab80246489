"""Schedules, states and pings: knowing when each script is due and what did not run."""
