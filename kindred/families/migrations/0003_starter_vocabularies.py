"""The starter lists every program shares: condition categories, common pediatric conditions
with their ICD-10-CM codes, and experiences relevant to matching. Programs add their own."""

from django.db import migrations

CATEGORIES = [
    ("prematurity", "Prematurity / NICU graduate", "Prematuridad / egresado de la UCIN"),
    ("heart", "Congenital heart disease", "Cardiopatía congénita"),
    ("genetic", "Genetic or chromosomal condition", "Condición genética o cromosómica"),
    ("rare", "Rare genetic condition", "Condición genética rara"),
    ("neuro", "Neurological condition", "Condición neurológica"),
    ("development", "Developmental and behavioral condition", "Condición del desarrollo y del comportamiento"),
    ("cancer", "Cancer and blood disorders", "Cáncer y trastornos de la sangre"),
    ("chronic", "Chronic illness", "Enfermedad crónica"),
    ("sensory", "Hearing and vision", "Audición y visión"),
    ("technology", "Medical technology dependence", "Dependencia de tecnología médica"),
]

# (category slug, ICD-10-CM code, English label, Spanish label)
CONDITIONS = [
    ("prematurity", "P07.30", "Preterm newborn, unspecified weeks of gestation", "Recién nacido prematuro, semanas de gestación no especificadas"),
    ("prematurity", "P07.25", "Extreme immaturity, 27 completed weeks", "Inmadurez extrema, 27 semanas completas"),
    ("prematurity", "P27.1", "Bronchopulmonary dysplasia", "Displasia broncopulmonar"),
    ("prematurity", "P52.3", "Intraventricular hemorrhage of newborn, grade 3", "Hemorragia intraventricular del recién nacido, grado 3"),
    ("prematurity", "H35.10", "Retinopathy of prematurity", "Retinopatía del prematuro"),
    ("heart", "Q21.1", "Atrial septal defect", "Comunicación interauricular"),
    ("heart", "Q21.0", "Ventricular septal defect", "Comunicación interventricular"),
    ("heart", "Q21.3", "Tetralogy of Fallot", "Tetralogía de Fallot"),
    ("heart", "Q23.4", "Hypoplastic left heart syndrome", "Síndrome del corazón izquierdo hipoplásico"),
    ("heart", "Q20.3", "Transposition of the great arteries", "Transposición de las grandes arterias"),
    ("heart", "Q25.1", "Coarctation of the aorta", "Coartación de la aorta"),
    ("genetic", "Q90.9", "Down syndrome", "Síndrome de Down"),
    ("genetic", "Q91.3", "Trisomy 18 (Edwards syndrome)", "Trisomía 18 (síndrome de Edwards)"),
    ("genetic", "Q93.81", "22q11.2 deletion syndrome (DiGeorge)", "Síndrome de deleción 22q11.2 (DiGeorge)"),
    ("genetic", "Q96.9", "Turner syndrome", "Síndrome de Turner"),
    ("rare", "Q87.1", "Prader-Willi syndrome", "Síndrome de Prader-Willi"),
    ("rare", "Q99.2", "Fragile X syndrome", "Síndrome X frágil"),
    ("rare", "G12.0", "Spinal muscular atrophy, type I", "Atrofia muscular espinal tipo I"),
    ("rare", "G71.01", "Duchenne muscular dystrophy", "Distrofia muscular de Duchenne"),
    ("rare", "Q85.1", "Tuberous sclerosis", "Esclerosis tuberosa"),
    ("rare", "E84.9", "Cystic fibrosis", "Fibrosis quística"),
    ("neuro", "G80.9", "Cerebral palsy", "Parálisis cerebral"),
    ("neuro", "G40.909", "Epilepsy", "Epilepsia"),
    ("neuro", "Q05.9", "Spina bifida", "Espina bífida"),
    ("neuro", "G91.9", "Hydrocephalus", "Hidrocefalia"),
    ("neuro", "P91.60", "Hypoxic ischemic encephalopathy", "Encefalopatía hipóxico-isquémica"),
    ("development", "F84.0", "Autism spectrum disorder", "Trastorno del espectro autista"),
    ("development", "F90.9", "Attention-deficit hyperactivity disorder", "Trastorno por déficit de atención e hiperactividad"),
    ("development", "F88", "Global developmental delay", "Retraso global del desarrollo"),
    ("development", "F80.9", "Speech and language disorder", "Trastorno del habla y del lenguaje"),
    ("cancer", "C91.00", "Acute lymphoblastic leukemia", "Leucemia linfoblástica aguda"),
    ("cancer", "C71.9", "Brain tumor", "Tumor cerebral"),
    ("cancer", "C74.90", "Neuroblastoma", "Neuroblastoma"),
    ("cancer", "C64.9", "Wilms tumor", "Tumor de Wilms"),
    ("cancer", "D57.1", "Sickle cell disease", "Anemia de células falciformes"),
    ("cancer", "D66", "Hemophilia A", "Hemofilia A"),
    ("chronic", "E10.9", "Type 1 diabetes", "Diabetes tipo 1"),
    ("chronic", "J45.909", "Asthma", "Asma"),
    ("chronic", "N18.6", "End-stage kidney disease", "Enfermedad renal terminal"),
    ("chronic", "K50.90", "Crohn's disease", "Enfermedad de Crohn"),
    ("chronic", "Q44.2", "Biliary atresia", "Atresia biliar"),
    ("chronic", "Q79.3", "Gastroschisis", "Gastrosquisis"),
    ("chronic", "Q79.0", "Congenital diaphragmatic hernia", "Hernia diafragmática congénita"),
    ("chronic", "K59.00", "Chronic constipation", "Estreñimiento crónico"),
    ("sensory", "H90.3", "Sensorineural hearing loss, both ears", "Hipoacusia neurosensorial bilateral"),
    ("sensory", "H54.7", "Visual impairment", "Discapacidad visual"),
    ("technology", "Z93.0", "Tracheostomy status", "Portador de traqueostomía"),
    ("technology", "Z93.1", "Gastrostomy status (feeding tube)", "Portador de gastrostomía (sonda de alimentación)"),
    ("technology", "Z99.11", "Dependence on ventilator", "Dependencia de ventilador"),
    ("technology", "Z94.1", "Heart transplant status", "Trasplante de corazón"),
    ("technology", "Z94.0", "Kidney transplant status", "Trasplante de riñón"),
    ("technology", "Z99.81", "Dependence on supplemental oxygen", "Dependencia de oxígeno suplementario"),
]

EXPERIENCES = [
    ("NICU stay", "Estancia en la UCIN"),
    ("Long hospital stay (over a month)", "Hospitalización larga (más de un mes)"),
    ("Heart surgery", "Cirugía del corazón"),
    ("Tracheostomy", "Traqueostomía"),
    ("Ventilator at home", "Ventilador en casa"),
    ("Feeding tube", "Sonda de alimentación"),
    ("Transplant", "Trasplante"),
    ("New diagnosis", "Diagnóstico reciente"),
    ("Prenatal diagnosis", "Diagnóstico prenatal"),
    ("Palliative care", "Cuidados paliativos"),
    ("Bereavement", "Duelo por la muerte de un hijo"),
    ("Transition to adult care", "Transición a la atención de adultos"),
    ("Home nursing", "Enfermería en casa"),
    ("Wheelchair or mobility equipment", "Silla de ruedas o equipo de movilidad"),
    ("Special education (IEP)", "Educación especial (IEP)"),
    ("Insurance or Medicaid waiver", "Seguro médico o exención de Medicaid"),
    ("Chemotherapy", "Quimioterapia"),
    ("Out-of-state care", "Atención médica en otro estado"),
    ("Sibling support", "Apoyo a los hermanos"),
]


def load(apps, schema_editor):
    Category = apps.get_model("families", "ConditionCategory")
    Condition = apps.get_model("families", "Condition")
    Experience = apps.get_model("families", "Experience")
    categories = {}
    for slug, name, name_es in CATEGORIES:
        categories[slug], _ = Category.objects.get_or_create(
            program=None, slug=slug, defaults={"name": name, "name_es": name_es}
        )
    for slug, code, label, label_es in CONDITIONS:
        Condition.objects.get_or_create(
            program=None,
            code=code,
            label=label,
            defaults={"label_es": label_es, "category": categories[slug]},
        )
    for name, name_es in EXPERIENCES:
        Experience.objects.get_or_create(program=None, name=name, defaults={"name_es": name_es})


def unload(apps, schema_editor):
    # Starter entries in use by children stay (PROTECT); unused ones go.
    pass


class Migration(migrations.Migration):
    dependencies = [("families", "0002_search_trigram")]
    operations = [migrations.RunPython(load, unload)]
