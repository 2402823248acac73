"""WTForms forms (Flask-WTF adds the CSRF token to each)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

READING_STATUSES = [("to-read", "To read"), ("reading", "Reading"), ("finished", "Finished")]
COVER_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])


class BookForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    author = StringField("Author", validators=[DataRequired(), Length(max=200)])
    isbn = StringField("ISBN", validators=[Optional(), Regexp(r"^[0-9Xx-]{10,17}$")])
    status = SelectField("Status", choices=READING_STATUSES)
    notes = TextAreaField("Notes", validators=[Length(max=5000)])


class CoverForm(FlaskForm):
    cover = FileField("Cover", validators=[FileRequired(), FileAllowed(COVER_EXTENSIONS, "Images only")])


class ImportForm(FlaskForm):
    reading_list = FileField("Reading list (YAML)", validators=[FileRequired(), FileAllowed(["yml", "yaml"])])
