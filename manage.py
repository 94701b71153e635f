#!/usr/bin/env python
"""Django's command-line utility; identical to the installed `funeng` command."""

from funeng.cli import main

if __name__ == "__main__":
    main()
