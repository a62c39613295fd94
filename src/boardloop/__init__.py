"""boardloop keeps a company's customer-success initiatives honest for its board."""

__version__ = "0.1.0"
