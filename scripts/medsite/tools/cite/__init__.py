"""`make cite DOI=...` / `make cite PMID=...`: add a verified source to the bibliography from its identifier."""
