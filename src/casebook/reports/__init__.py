"""Report trees and their renderers (docx, md, csv, xlsx); python-docx is used only here.

Importing this package loads no renderer: each format's module (and python-docx,
XlsxWriter, matplotlib) is imported only when a report is written in that format.
"""
