"""Who may sign in, and how often: password hashing and verification, the sign-in service
with its guessing throttle, the rules that end sessions, and sealing (authenticated
encryption of what is kept for later). Core code: nothing here imports a web framework."""
