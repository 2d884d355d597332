"""Complaints (TENANT app, one schema per tenant): intake, register, SOP, SLA, timeline."""
