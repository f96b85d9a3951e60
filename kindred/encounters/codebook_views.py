"""The program's codebook of themes: list, add, rename, retire (a theme in use is never deleted:
it is retired, and old encounters keep it)."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kindred.audit.log import record
from kindred.encounters.codebook import ensure_codebook, theme_tree
from kindred.encounters.models import Theme
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "name_es", "parent", "position", "is_active"]

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        parents = Theme.objects.filter(program=program, parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        field = cast(forms.ModelChoiceField, self.fields["parent"])
        field.queryset = parents
        field.required = False
        field.empty_label = gettext_lazy("— none: a theme of its own —")

    def clean_parent(self) -> Any:
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and self.instance.subthemes.exists():
            raise forms.ValidationError(_("A theme with sub-themes cannot become a sub-theme."))
        return parent


@program_required(Cap.ENCOUNTERS_CODEBOOK)
@require_http_methods(["GET", "POST"])
def codebook(request: ProgramRequest) -> HttpResponse:
    program = request.program
    ensure_codebook(program)
    form = ThemeForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        theme = form.save(commit=False)
        theme.program = program
        base = slugify(theme.name)[:70] or "theme"
        theme.slug = base
        try:
            with transaction.atomic():
                n = 1
                while Theme.objects.filter(program=program, slug=theme.slug).exists():
                    n += 1
                    theme.slug = f"{base}-{n}"
                theme.save()
                record(
                    action="encounters.theme.created",
                    request=request,
                    obj=theme,
                    fields=form.changed_data,
                )
        except IntegrityError:
            form.add_error(None, _("This theme exists already."))
        else:
            messages.success(request, _("Theme added."))
            return redirect("encounters:codebook")
    return render(
        request,
        "encounters/codebook.html",
        {"form": form, "tree": theme_tree(program, include_inactive=True)},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.ENCOUNTERS_CODEBOOK)
@require_http_methods(["GET", "POST"])
def theme_edit(request: ProgramRequest, pk: int) -> HttpResponse:
    theme = Theme.objects.filter(program=request.program, pk=pk).first()
    if theme is None:
        raise Http404
    form = ThemeForm(request.POST or None, instance=theme, program=request.program)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(
                action="encounters.theme.changed",
                request=request,
                obj=theme,
                fields=form.changed_data,
            )
        messages.success(request, _("Saved."))
        return redirect("encounters:codebook")
    return render(
        request,
        "encounters/theme_form.html",
        {"form": form, "theme": theme},
        status=400 if form.is_bound else 200,
    )
