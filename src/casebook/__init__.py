"""casebook: qualitative interview coding and longitudinal case studies in the terminal."""

__version__ = "0.1.0"
