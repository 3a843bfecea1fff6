"""The question bank: the bundled Hubs bank, and every error a facilitator can make."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubworkshop.domain.errors import SourceError
from hubworkshop.sources.bank import load_bank, read_bank
from hubworkshop.sources.bundled import bundled_bank

# The workshop's one-page brief: each theme's headline question, word for word.
BRIEF = {
    "value": "What is the benefit of becoming a hub over the status quo?",
    "lifecycle": 'How do hubs come into being? How do they get "promoted" to enable more '
    'resourcing and the taking on of additional roles? How do they get "demoted" or '
    "disbanded if proven ineffective?",
    "minimum-roles": "Is there a minimal set of roles a hub must fulfill?",
    "exclusivity": "Could there be more than one hub for a region or a theme? If so, do they "
    "compete for resources based on performance?",
    "coverage": "Must all funded work in a region or topic go through the respective hub?",
    "conflict-of-interest": "Can affiliate board members also be decision-makers in their "
    "respective regional hub? If so, how to manage COI? If not, who would be decision-makers "
    "in the regional hub?",
    "support": "Who trains the trainers? Who ensures hubs have the expertise to offer their "
    "constituent communities?",
    "entitlement": "Are hubs automatically entitled to certain things over the served "
    'communities "under" them (within a region or a theme)? Do served communities opt into a '
    "relationship with a Hub or are they automatically assigned?",
}

# Questions the invitation asks beyond the brief, by the id a facilitator would look for.
INVITATION_QUESTIONS = [
    "value.existing-networks",
    "lifecycle.recognition",
    "lifecycle.growth",
    "lifecycle.demotion",
    "minimum-roles.legal-limits",
    "minimum-roles.no-minimum",
    "exclusivity.separate-ways",
    "exclusivity.overlap",
    "coverage.choose-not-to",
    "coverage.conflict",
    "coverage.relationships",
    "conflict-of-interest.governance-experience",
    "support.real-expertise",
    "entitlement.automatic-support",
    "entitlement.without-entitlement",
    "opt-in.choice",
    "opt-in.no-relationship",
    "coordination.spanning-projects",
    "coordination.all-support",
    "coordination.nobody-wants",
]


def test_bundled_bank_is_clean_and_complete():
    bank, problems = load_bank(bundled_bank())
    assert problems == []
    assert bank is not None
    assert [t.id for t in bank.themes] == [
        "value",
        "lifecycle",
        "minimum-roles",
        "exclusivity",
        "coverage",
        "conflict-of-interest",
        "support",
        "entitlement",
        "opt-in",
        "coordination",
    ]
    assert bank.languages == ("en", "fr")
    for theme in bank.themes:
        assert theme.questions[0].headline
        assert not any(q.headline for q in theme.questions[1:])
        for question in theme.questions:
            assert question.text.has("en") and question.text.has("fr"), question.id
    assert set(INVITATION_QUESTIONS) <= set(bank.questions)


@pytest.mark.parametrize("theme_id", sorted(BRIEF))
def test_headline_questions_use_the_briefs_wording(theme_id):
    bank = read_bank(bundled_bank())
    theme = next(t for t in bank.themes if t.id == theme_id)
    assert theme.questions[0].text["en"] == BRIEF[theme_id]


def test_bundled_bank_holds_the_roles_people_expect_of_hubs():
    bank = read_bank(bundled_bank())
    labels = [r.label["en"] for r in bank.roles]
    assert len(labels) == 11
    for expected in ("Legal support", "Grant-making", "Funding", "Mentorship"):
        assert expected in labels
    # the real event's participants also ranked these two
    for expected in (
        "Knowledge sharing",
        "Governance and decision-making for the communities it covers",
    ):
        assert expected in labels
    assert all(r.label.has("fr") for r in bank.roles)


def test_follow_ups_and_wrapped_lines(make_bank):
    bank = read_bank(make_bank())
    question = bank.questions["value.benefit"]
    assert [f["fr"] for f in question.follow_ups] == ["Pour qui ?"]
    assert bank.roles[0].id == "mentorship"


def test_missing_translation_is_a_warning_and_falls_back_to_english(make_bank):
    directory = make_bank(
        {
            "02-support.md": """
                # support

                en: Support
                fr: Soutien

                ## support.trainers

                en: Who trains the trainers?
            """
        }
    )
    bank, problems = load_bank(directory)
    assert bank is not None
    [warning] = problems
    assert warning.severity == "warning"
    assert str(warning).startswith(f"{directory / '02-support.md'}:8: warning:")
    assert "French" in warning.message
    assert bank.questions["support.trainers"].text.get_text("fr") == "Who trains the trainers?"


def _only_error(directory: Path):
    bank, problems = load_bank(directory)
    errors = [p for p in problems if p.severity == "error"]
    assert bank is None
    assert len(errors) == 1, [str(p) for p in problems]
    return errors[0]


def test_duplicate_question_id_names_both_places(make_bank):
    directory = make_bank(
        {
            "02-more.md": """
                # more

                en: More
                fr: Plus

                ## more.first

                en: First?
                fr: Premier ?

                ## more.first

                en: Again?
                fr: Encore ?
            """
        }
    )
    error = _only_error(directory)
    assert (error.path.name, error.line) == ("02-more.md", 11)
    assert "duplicate question id 'more.first'" in error.message
    assert "02-more.md:6" in error.message


def test_empty_question(make_bank):
    directory = make_bank(
        {
            "01-value.md": """
                # value

                en: Value
                fr: Valeur

                ## value.benefit

                ## value.cost

                en: What does it cost?
                fr: Combien ?
            """
        }
    )
    error = _only_error(directory)
    assert error.line == 6
    assert "empty question 'value.benefit'" in error.message


def test_empty_english_text_is_an_empty_question(make_bank):
    directory = make_bank(
        {
            "01-value.md": """
                # value

                en: Value
                fr: Valeur

                ## value.benefit

                en:
                fr: Quel est l'avantage ?
            """
        }
    )
    error = _only_error(directory)
    assert error.line == 8
    assert "empty question 'value.benefit'" in error.message


def test_unknown_language(make_bank):
    directory = make_bank(
        {
            "01-value.md": """
                # value

                en: Value
                fr: Valeur

                ## value.benefit

                en: What is the benefit?
                fr: Quel est l'avantage ?
                de: Was ist der Vorteil?
            """
        }
    )
    error = _only_error(directory)
    assert error.line == 10
    assert "unknown language 'de'" in error.message


def test_unknown_language_in_bank_header(make_bank):
    directory = make_bank(
        {
            "bank.md": """
                # tiny

                title: Tiny
                languages: en, xx
            """
        }
    )
    bank, problems = load_bank(directory)
    assert bank is None
    assert any(p.line == 4 and "unknown language 'xx'" in p.message for p in problems)


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (
            "## value.early\n\nen: Too early?\n\n# value\n\nen: Value\nfr: Valeur\n",
            1,
            "the '# theme-id' heading comes first",
        ),
        (
            "# value\n\nen: Value\nfr: Valeur\n\n## value.a\n\nen: A?\nfr: A ?\n\n### Notes\n",
            11,
            "misplaced heading '### Notes'",
        ),
        (
            "# value\n\nen: Value\nfr: Valeur\n\n## value.a\n\nen: A?\nfr: A ?\n\n# again\n",
            11,
            "a theme file holds one '# theme' heading",
        ),
    ],
)
def test_misplaced_heading(make_bank, text, line, needle):
    directory = make_bank({"01-value.md": text})
    _bank, problems = load_bank(directory)
    assert any(p.line == line and needle in p.message for p in problems), [str(p) for p in problems]


def test_question_id_must_carry_its_theme(make_bank):
    directory = make_bank(
        {"01-value.md": "# value\n\nen: Value\nfr: Valeur\n\n## other.q\n\nen: Q?\nfr: Q ?\n"}
    )
    error = _only_error(directory)
    assert error.line == 6
    assert "must start with its theme id 'value.'" in error.message


def test_prose_paragraph_is_rejected_with_its_line(make_bank):
    directory = make_bank(
        {
            "01-value.md": "# value\n\nen: Value\nfr: Valeur\n\n## value.a\n\n"
            "en: A?\nfr: A ?\n\nSome loose notes here.\n"
        }
    )
    error = _only_error(directory)
    assert error.line == 11


def test_non_utf8_file_names_the_line(make_bank):
    directory = make_bank(
        {
            "02-latin1.md": "# latin\n\nen: Latin\nfr: Latin\n\n## latin.q\n\nen: caf\xe9\n".encode(
                "latin-1"
            )
        }
    )
    error = _only_error(directory)
    assert (error.path.name, error.line) == ("02-latin1.md", 8)
    assert "not UTF-8" in error.message


def test_unreadable_file(make_bank):
    directory = make_bank()
    (directory / "02-gone.md").symlink_to(directory / "nowhere.md")
    error = _only_error(directory)
    assert error.path.name == "02-gone.md"
    assert "cannot read" in error.message


def test_missing_bank_file(make_bank):
    error = _only_error(make_bank(drop=("bank.md",)))
    assert error.path.name == "bank.md"
    assert "missing" in error.message


def test_read_bank_raises_with_every_error(make_bank):
    directory = make_bank(
        {"01-value.md": "# value\n\nen: Value\nfr: Valeur\n\n## value.a\n\n## value.a\n"}
    )
    with pytest.raises(SourceError) as raised:
        read_bank(directory)
    assert len(raised.value.problems) >= 2
    assert all(p.severity == "error" for p in raised.value.problems)


def test_bank_check_command(cli, make_bank):
    good = cli("bank", "check", str(bundled_bank()))
    assert good.returncode == 0, good.stderr
    assert "10 themes" in good.stdout and "languages: en, fr" in good.stdout

    directory = make_bank(
        {"01-value.md": "# value\n\nen: Value\nfr: Valeur\n\n## value.a\n\nde: Hallo\n"}
    )
    bad = cli("bank", "check", str(directory))
    assert bad.returncode == 1
    assert f"{directory / '01-value.md'}:8: unknown language 'de'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_bank_check_reads_only_regular_files_inside_its_folder(cli, make_bank, tmp_path):
    """A FIFO, a link to a device, a link out of the folder and an oversized file are each
    named in one line; the check never hangs and never reads more than its cap."""
    bank = make_bank()
    os.mkfifo(bank / "02-fifo.md")
    (bank / "03-zero.md").symlink_to("/dev/zero")
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# elsewhere\n\nen: Elsewhere\nfr: Ailleurs\n", encoding="utf-8")
    (bank / "04-outside.md").symlink_to(outside)
    (bank / "05-huge.md").write_bytes(b"# huge\n\n" + b"x" * (2 * 1024 * 1024))
    (bank / "06-folder.md").mkdir()
    result = cli("bank", "check", str(bank))  # run_cli gives up after 60 s
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{bank / '02-fifo.md'}: not a regular file" in result.stderr
    assert f"{bank / '03-zero.md'}: links outside the folder" in result.stderr
    assert f"{bank / '04-outside.md'}: links outside the folder" in result.stderr
    assert f"{bank / '05-huge.md'}: larger than 1024 KiB" in result.stderr
    assert f"{bank / '06-folder.md'}: not a regular file" in result.stderr


def test_a_link_inside_the_bank_folder_is_read(make_bank):
    bank = make_bank()
    theme = next(p for p in bank.glob("*.md") if p.name != "bank.md")
    (bank / "sub").mkdir()
    moved = bank / "sub" / theme.name
    theme.rename(moved)
    theme.symlink_to(moved)
    assert read_bank(bank).themes
