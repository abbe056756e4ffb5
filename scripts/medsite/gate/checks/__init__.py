"""The gate's checks: each module yields diagnostics for one family of codes and never prints or exits."""

from . import budget, evidence, footnotes, images, links, meta, output, references, safety, verification

# Verification reads the lock for the bibliography always, and for the site's links when there is a site.
SOURCE_CHECKS = [references.check, footnotes.check, meta.check, safety.check, evidence.check, verification.check]
SITE_CHECKS = [links.check, images.check_site, output.check, budget.check]
