"""The gate's checks: each module yields diagnostics for one family of codes and never prints or exits."""

from medsite.gate.checks import (
                 anchors,
                 budget,
                 evidence,
                 exceptions,
                 footnotes,
                 images,
                 links,
                 meta,
                 offer,
                 output,
                 output_safety,
                 provenance,
                 readability,
                 references,
                 relative,
                 safety,
                 settings,
                 verification,
                 wording_site,
)

# Verification reads the lock for the bibliography always, and for the site's links when there is a site.
SOURCE_CHECKS = [references.check, footnotes.check, meta.check, safety.check, settings.check, evidence.check, provenance.check,
                 relative.check, offer.check, verification.check]
SITE_CHECKS = [links.check, anchors.check, images.check_site, output.check, output_safety.check, readability.check,
               wording_site.check, budget.check,
               exceptions.check]  # last: it reports the gate.yml exceptions the other checks never used
