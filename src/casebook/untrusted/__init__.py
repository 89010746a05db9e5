"""Safe handling of untrusted containers: zip archives and XML (used by readers and interop)."""
