"""The record builder both hand-written sets use for their needs."""


def need(id, industry, province, employees, revenue, budget, style, title, description, judged):  # noqa: A002
    """One need of a set as a dict, with the hand-judged topical grades of the solutions."""
    return {
        "id": id,
        "industry": industry,
        "province": province,
        "employees": employees,
        "revenue": revenue,
        "budget": budget,
        "style": style,
        "title": title,
        "description": description,
        "judged": judged,
    }
