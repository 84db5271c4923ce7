from django import forms
from django.contrib.auth.forms import AuthenticationForm


class StaffLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续失败多次后账户将被锁定。",
        "inactive": "该账户已停用。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})


class RevealForm(forms.Form):
    field = forms.ChoiceField(label="查看项目", choices=[("phone", "手机号码"), ("id_number", "身份证号码")])
    reason = forms.CharField(label="查看原因", max_length=200, error_messages={"required": "请填写查看原因"})
