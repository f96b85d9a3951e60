"""Lay words and synonyms, English and Spanish, that find a coded condition in the referral
forms' searchable picker (static/referrals/condition-picker.js): a parent says "preemie", a
nurse "premature", a Spanish-speaking parent "prematuro". Keyed by ICD-10-CM code prefix (the
longest prefix wins); a condition's labels and category names always count too."""

from typing import Any

WORDS: dict[str, tuple[str, ...]] = {
    "P07": ("preemie", "premature", "prematurity", "born early", "NICU", "prematuro", "prematura",
            "prematurez", "bebé prematuro", "nació antes de tiempo", "UCIN"),
    "P27.1": ("BPD", "chronic lung disease", "lung", "pulmón", "displasia broncopulmonar"),
    "P52": ("IVH", "brain bleed", "hemorragia cerebral"),
    "H35.1": ("ROP", "eyes", "premature", "ojos", "prematuro"),
    "Q2": ("heart", "heart defect", "CHD", "heart baby", "cardiac", "corazón", "cardiopatía",
           "soplo"),
    "Q23.4": ("HLHS", "half a heart"),
    "Q21.3": ("TOF", "tet", "blue baby"),
    "Q90": ("Down", "trisomy 21", "T21", "trisomía 21", "síndrome de Down"),
    "Q91.3": ("Edwards", "T18", "trisomía 18"),
    "Q93.81": ("DiGeorge", "22q", "velocardiofacial"),
    "G12.0": ("SMA", "atrofia muscular espinal"),
    "G71.01": ("Duchenne", "DMD", "distrofia muscular"),
    "E84": ("CF", "fibrosis quística"),
    "G80": ("CP", "parálisis cerebral"),
    "G40": ("seizures", "fits", "convulsiones", "ataques", "epilepsia"),
    "Q05": ("spina bifida", "myelomeningocele", "espina bífida"),
    "G91": ("shunt", "water on the brain", "hidrocefalia", "válvula"),
    "P91.6": ("HIE", "lack of oxygen at birth", "falta de oxígeno al nacer"),
    "F84": ("autism", "autistic", "ASD", "autismo", "TEA", "espectro autista"),
    "F90": ("ADHD", "ADD", "hyperactive", "TDAH", "déficit de atención", "hiperactividad"),
    "F88": ("developmental delay", "delay", "retraso del desarrollo"),
    "F80": ("speech delay", "talking", "retraso del habla", "lenguaje"),
    "C": ("cancer", "tumor", "tumour", "oncology", "cáncer", "tumor", "oncología"),
    "C91": ("leukemia", "ALL", "leucemia"),
    "D57": ("sickle cell", "SCD", "anemia falciforme", "drepanocitosis"),
    "D66": ("hemophilia", "bleeding disorder", "hemofilia"),
    "E10": ("diabetes", "type 1", "T1D", "insulin", "diabetes tipo 1", "insulina"),
    "J45": ("asthma", "inhaler", "wheezing", "asma", "inhalador"),
    "N18": ("kidney", "dialysis", "riñón", "diálisis", "renal"),
    "K50": ("Crohn", "IBD", "enfermedad de Crohn", "intestino"),
    "Q44.2": ("liver", "hígado", "atresia biliar"),
    "Q79.3": ("gastroschisis", "gastrosquisis"),
    "Q79.0": ("CDH", "hernia diafragmática"),
    "H90": ("deaf", "hearing", "hearing aid", "cochlear implant", "sordo", "sordera",
            "audición", "implante coclear"),
    "H54": ("blind", "low vision", "sight", "ciego", "ceguera", "baja visión", "vista"),
    "Z93.0": ("trach", "trache", "traqueostomía", "traqueotomía"),
    "Z93.1": ("G-tube", "feeding tube", "tube fed", "sonda", "gastrostomía", "botón gástrico"),
    "Z99.11": ("vent", "ventilator", "breathing machine", "ventilador", "respirador"),
    "Z94": ("transplant", "trasplante"),
    "Z99.81": ("oxygen", "O2", "oxígeno"),
}  # fmt: skip


def words_for(condition: Any) -> str:
    """The words that find `condition` (its code, labels, category and lay words)."""
    code = condition.code or ""
    prefixes = sorted((p for p in WORDS if code.startswith(p)), key=len, reverse=True)
    found: list[str] = [code, condition.label, condition.label_es]
    for prefix in prefixes[:1] + [p for p in prefixes[1:] if len(p) <= 3]:
        found.extend(WORDS[prefix])
    category = getattr(condition, "category", None)
    if category is not None:
        found.extend([category.name, category.name_es])
    return " ".join(dict.fromkeys(w for w in found if w))
