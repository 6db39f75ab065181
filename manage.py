#!/usr/bin/env python
"""Django's command-line utility; `pourparler` is the friendlier front door."""

from pourparler.cli import main

if __name__ == "__main__":
    main()
