"""`python -m linkedin.sandbox`: run the sandbox standalone."""

from linkedin.sandbox.main import main

main()
