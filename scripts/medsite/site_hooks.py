"""Moved (issue 11). What the MkDocs hooks did here now runs inside either engine or around it:

- citations, the References page listing: medsite/mdx/citations.py (a Markdown extension);
- title + treatment disclaimer, offer-facts panel, review-block values and JSON-LD
  (`page.meta.health`): medsite/mdx/furniture.py;
- reporting: medsite/mdx/report.py (Diagnostic objects as JSON lines, read back by build.py);
- pages refused as input before the engine reads them: medsite/engines.py (refused_pages).
"""
