"""Who may sign in, and how often: password-guessing throttle, the sign-in service, and
the rules that end sessions. Core code: nothing here imports a web framework."""
