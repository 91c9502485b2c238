"""Inbound email: message files and SMTP → the senders worth keeping as contacts."""
