"""The gate's checks: each module yields diagnostics for one family of codes and never prints or exits."""

from . import evidence, footnotes, images, links, meta, output, references, safety

SOURCE_CHECKS = [references.check, footnotes.check, meta.check, safety.check, evidence.check]
SITE_CHECKS = [links.check, images.check_site, output.check]
