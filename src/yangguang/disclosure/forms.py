from django import forms

from yangguang.disclosure.models import CatalogueNode, Channel, FactKind, Guide, Project, ProjectStage, Scope, UpdateFrequency


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class RecordForm(forms.Form):
    item = forms.ModelChoiceField(label="目录项", queryset=CatalogueNode.objects.none(), error_messages={"required": "请选择目录项"})
    title = forms.CharField(label="标题", max_length=200, error_messages={"required": "请填写标题"})
    summary = forms.CharField(label="内容概述", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text="可使用段落、列表、表格等格式；脚本与事件属性会被自动清除。")
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    formed_on = forms.DateField(label="生成日期", error_messages={"required": "请填写生成日期", "invalid": "日期格式应为 YYYY-MM-DD"},
                                widget=forms.DateInput(attrs={"type": "date"}))
    fact_kind = forms.ChoiceField(label="年报统计类别", choices=FactKind.choices, required=False)
    decision_count = forms.IntegerField(label="处理决定数量", min_value=0, required=False)
    fee_amount = forms.DecimalField(label="收费金额（元）", min_value=0, decimal_places=2, required=False)
    project = forms.ModelChoiceField(label="基建工程项目", queryset=Project.objects.none(), required=False)
    project_stage = forms.ChoiceField(label="工程阶段", choices=[("", "—")] + list(ProjectStage.choices), required=False)
    attachments = MultipleFileField(label="附件", help_text="PDF、Word、Excel、OFD、图片或文本，单个不超过 20 MB。")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = CatalogueNode.objects.filter(
            organisation=organisation, kind=CatalogueNode.Kind.ITEM
        ).select_related("parent").order_by("parent__sort_order", "sort_order", "code")
        self.fields["item"].label_from_instance = lambda n: f"{n.parent.name} / {n.name}（{n.get_scope_display()}）"
        self.fields["project"].queryset = Project.objects.filter(organisation=organisation)


class TransitionForm(forms.Form):
    action = forms.CharField()
    reason = forms.CharField(label="理由或意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CatalogueNodeForm(forms.Form):
    parent = forms.ModelChoiceField(label="所属类别（不选则新建类别）", queryset=CatalogueNode.objects.none(), required=False)
    code = forms.CharField(label="编号", max_length=20, error_messages={"required": "请填写编号"})
    name = forms.CharField(label="名称", max_length=100, error_messages={"required": "请填写名称"})
    scope = forms.ChoiceField(label="公开范围", choices=Scope.choices)
    channels = forms.MultipleChoiceField(label="公开形式", choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False)
    responsible_unit = forms.CharField(label="责任科室", max_length=100, required=False)
    update_frequency = forms.ChoiceField(label="更新频率", choices=UpdateFrequency.choices)
    description = forms.CharField(label="公开内容说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = CatalogueNode.objects.filter(organisation=organisation, kind=CatalogueNode.Kind.CATEGORY)


class GuideForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = ["arrangement", "how_to_obtain", "application_guidance", "office_name", "address", "postcode",
                  "office_hours", "phone", "fax", "email"]
        widgets = {"arrangement": forms.Textarea(attrs={"rows": 3}), "how_to_obtain": forms.Textarea(attrs={"rows": 3}),
                   "application_guidance": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"email": {"invalid": "请输入有效的电子邮箱地址"}}
