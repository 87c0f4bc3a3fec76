"""Sign-in: password (with lock-out), then TOTP for every user; enrolment at first sign-in, recovery codes."""
