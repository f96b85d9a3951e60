"""Where the published standard files Kindred follows live: `standards/` at the repository root.

Each folder there is an upstream publication copied unchanged, with its licence in `NOTICE.md`
and the checksums of its files in `SHA256SUMS` (a test refuses a file that drifted). Code and
tests read them only through these constants, so a clone on its own has everything it needs.
"""

from pathlib import Path

STANDARDS_DIR = Path(__file__).resolve().parents[2] / "standards"

# Open Referral Human Services Data Specification 3.0: JSON Schemas, OpenAPI, examples (CC BY-SA 4.0).
HSDS_DIR = STANDARDS_DIR / "hsds-3.0"
HSDS_SCHEMA_DIR = HSDS_DIR / "schema"

# HL7 Gravity SDOH Clinical Care IG (FHIR R4) example resources (Apache-2.0).
GRAVITY_FHIR_DIR = STANDARDS_DIR / "gravity-sdohcc-fhir-r4"
