"""Run the command line: ``python -m pharmakg``."""

from pharmakg.cli import main

if __name__ == "__main__":
    main()
