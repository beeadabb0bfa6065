"""`python -m scaffolder` runs the same command line as the `scaffold` console script."""

from scaffolder.cli import main

if __name__ == "__main__":
    main()
