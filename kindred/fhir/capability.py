"""The CapabilityStatement at /fhir/metadata: exactly what Kindred's FHIR endpoint does."""

from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from kindred.fhir.auth import SUPPORTED_SCOPES

TRANSACTION_ONLY = (
    "Accepted only inside the referral transaction Bundle posted to the base; not readable."
)


def capability_statement(base: str, token_url: str, software_version: str = "1") -> dict[str, Any]:
    in_bundle = [
        {"type": t, "interaction": [{"code": "create", "documentation": TRANSACTION_ONLY}]}
        for t in (
            "Patient",
            "RelatedPerson",
            "Consent",
            "Practitioner",
            "PractitionerRole",
            "Organization",
        )
    ]
    resource = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-02",
        "kind": "instance",
        "software": {"name": "Kindred", "version": software_version},
        "implementation": {"description": "Kindred peer support referrals", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "implementationGuide": [
            "http://hl7.org/fhir/us/sdoh-clinicalcare/ImplementationGuide/hl7.fhir.us.sdoh-clinicalcare"
        ],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Referrals arrive as a transaction Bundle (ServiceRequest, Task, Patient, "
                    "RelatedPerson, requester, Consent). A sender reads and searches its own "
                    "Tasks and may cancel them, and may subscribe to them (rest-hook); "
                    "nothing else is writable."
                ),
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "description": "SMART Backend Services (client credentials, JWT assertion RS384 or ES384). Scopes: "
                    + ", ".join(SUPPORTED_SCOPES),
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [{"url": "token", "valueUri": token_url}],
                        }
                    ],
                },
                "resource": [
                    {
                        "type": "Task",
                        "supportedProfile": [
                            "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"
                        ],
                        "interaction": [
                            {"code": "read"},
                            {"code": "search-type"},
                            {
                                "code": "update",
                                "documentation": "Only to cancel one's own Task (status cancelled with a statusReason); If-Match honoured.",
                            },
                            {"code": "create", "documentation": TRANSACTION_ONLY},
                        ],
                        "versioning": "versioned",
                        "readHistory": False,
                        "updateCreate": False,
                        "conditionalUpdate": False,
                        "conditionalDelete": "not-supported",
                        "searchParam": [
                            {"name": "owner", "type": "reference"},
                            {"name": "status", "type": "token"},
                            {"name": "_lastUpdated", "type": "date"},
                            {"name": "_count", "type": "number"},
                            {"name": "_offset", "type": "number"},
                        ],
                    },
                    {
                        "type": "Subscription",
                        "documentation": (
                            "R4 rest-hook subscriptions to the sender's own Tasks: criteria "
                            "Task, optionally with owner= and status=. With a payload "
                            "(application/fhir+json) Kindred updates (PUT) <endpoint>/Task/<id> "
                            "with each new version of the Task as the sender reads it (status "
                            "and dates, only while the family shares its progress); without one "
                            "it POSTs an empty notice to the endpoint. Failed notifications are "
                            "retried with backoff; after the last failure the status is error. "
                            "Header values are not read back. Scoped to the client's organization."
                        ),
                        "interaction": [
                            {"code": "create"},
                            {"code": "read"},
                            {"code": "search-type"},
                            {"code": "delete"},
                        ],
                        "versioning": "versioned",
                        "readHistory": False,
                        "updateCreate": False,
                        "conditionalCreate": False,
                        "conditionalDelete": "not-supported",
                        "searchParam": [{"name": "status", "type": "token"}],
                    },
                    {
                        "type": "ServiceRequest",
                        "supportedProfile": [
                            "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-ServiceRequest"
                        ],
                        "interaction": [{"code": "create", "documentation": TRANSACTION_ONLY}],
                        "conditionalCreate": True,
                    },
                    *in_bundle,
                ],
                "interaction": [{"code": "transaction"}],
            }
        ],
    }
    CapabilityStatement.model_validate(resource)
    return resource
