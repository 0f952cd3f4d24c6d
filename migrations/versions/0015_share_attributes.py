"""share attributes: basis kind, share modes and assessment date of an entry (SHARING.md §2.1)

Three columns join datasets: share_basis_kind (law, administrative_regulation, local_regulation, rules,
policy), share_modes (a JSON list of api, download, query, offline) and share_assessed_at. share_modes
replaces the free-text share_mode, which is dropped.

Existing rows are converted, and nothing is taken offline:
- share_modes is read from the old text by keywords: 接口/API → api; 下载/批量 → download;
  查询/核验/调阅/比对 → query; 前置机/对接/离线/拷贝/交换 → offline (so "接口（核验）" becomes api and query).
  A text none of them matches leaves the list empty and is reported.
- share_basis_kind is set for conditional and refused entries from the instruments their legal basis cites
  (《…》): a title ending in 法 (not 办法) is a law; 条例 of the autonomous region, a province or a city a local
  regulation, any other 条例 an administrative regulation; 办法/规定/细则 followed by a document number
  such as 国发〔2016〕51号 a policy document, otherwise rules; anything else a policy document. The highest
  kind cited counts. A basis naming no instrument leaves the kind empty; the agency chooses it at its next edit.
- share_assessed_at stays empty: no entry has been assessed under these rules yet.
- The staged edits of published entries (datasets.pending) get the same conversion.

A report is printed of the published entries that break the rules (a basic or thematic resource not shared,
a basic resource shared on conditions, which needs the authority's 核定, a restriction without an accepted
basis kind, a share mode text not understood). The same entries stay listed for the authority on
/sharing/lists/violations until they are corrected (portal/sharing/catalog.py).

The downgrade writes share_mode back as the modes' Chinese names joined by 、.

Revision ID: 0015_share_attributes
Revises: 0014_one_suspension
Create Date: 2026-12-07 19:00:00
"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_share_attributes'
down_revision = '0014_one_suspension'
branch_labels = None
depends_on = None

MODE_WORDS = (("api", r"接口|API|api"), ("download", r"下载|批量"), ("query", r"查询|核验|调阅|比对"),
              ("offline", r"前置机|对接|离线|拷贝|交换"))
MODE_NAMES = {"api": "接口", "download": "批量下载", "query": "在线查询", "offline": "前置机/系统对接"}
KIND_RANK = ("law", "administrative_regulation", "local_regulation", "rules", "policy")
DEFAULT_KINDS = ("law", "administrative_regulation", "local_regulation")  # PORTAL_SHARE_BASIS_KINDS' default
LOCAL = re.compile(r"^(内蒙古|自治区|.{1,8}(省|自治区|市|盟))")


def modes_of(text):
    """The share modes a free text names, in the listed order."""
    return [code for code, words in MODE_WORDS if re.search(words, text or "")]


def _kind_of_title(title, after):
    if title.endswith("法") and not title.endswith("办法"):
        return "law"
    if "条例" in title:
        return "local_regulation" if LOCAL.match(title) else "administrative_regulation"
    if re.search(r"办法|规定|细则|规则", title):
        return "policy" if re.match(r"\s*[（(][^）)]*发〔", after) else "rules"
    return "policy"


def basis_kind_of(text):
    """The highest kind of instrument a legal basis cites, or "" when it names none."""
    kinds = [_kind_of_title(m.group(1), text[m.end():]) for m in re.finditer(r"《([^》]+)》", text or "")]
    return min(kinds, key=KIND_RANK.index) if kinds else ""


def _datasets(*columns):
    return sa.table('datasets', sa.column('id', sa.String), *columns)


def upgrade():
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_basis_kind', sa.String(length=30), server_default='', nullable=False))
        batch_op.add_column(sa.Column('share_modes', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('share_assessed_at', sa.DateTime(), nullable=True))
    conn = op.get_bind()
    old = _datasets(sa.column('slug', sa.String), sa.column('title', sa.String), sa.column('state', sa.String),
                    sa.column('classification', sa.String), sa.column('share_type', sa.String),
                    sa.column('share_mode', sa.String), sa.column('share_legal_basis', sa.String),
                    sa.column('pending', sa.JSON))
    new = _datasets(sa.column('share_basis_kind', sa.String), sa.column('share_modes', sa.JSON),
                    sa.column('pending', sa.JSON))
    report = []
    for row in conn.execute(sa.select(old).order_by(old.c.slug)).all():
        modes = modes_of(row.share_mode)
        restricted = row.share_type in ("conditional", "none")
        kind = basis_kind_of(row.share_legal_basis) if restricted else ""
        pending = row.pending
        if pending is not None:
            pending = dict(pending)
            text = pending.pop("share_mode", "")
            pending["share_modes"] = modes_of(text)
            pending.setdefault("share_basis_kind", basis_kind_of(pending.get("share_legal_basis", ""))
                               if pending.get("share_type") in ("conditional", "none") else "")
        conn.execute(sa.update(new).where(new.c.id == row.id).values(
            share_basis_kind=kind, share_modes=modes, pending=pending))
        if row.state != "published":
            continue
        problems = []
        if row.share_type == "none" and row.classification in ("basic", "thematic"):
            problems.append(f"a {row.classification} resource is not shared (SHARING.md §2.1 rules 3-4)")
        if row.share_type == "conditional" and row.classification == "basic":
            problems.append("a basic resource shared on conditions needs the authority's confirmation (rule 3)")
        if restricted and kind not in DEFAULT_KINDS:
            problems.append(f"the legal basis is of kind {kind or 'unknown'} (rule 2)")
        if (row.share_mode or "").strip() and not modes:
            problems.append(f"share mode {row.share_mode!r} not understood")
        if problems:
            report.append(f"  {row.slug} ({row.title}): " + "; ".join(problems))
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('share_mode')
    print(f"0015_share_attributes: {len(report)} published entries break the share-attribute rules"
          + (" (listed for the authority at /sharing/lists/violations):" if report else "."))
    for line in report:
        print(line)


def downgrade():
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_mode', sa.String(length=200), server_default='', nullable=False))
    conn = op.get_bind()
    rows = _datasets(sa.column('share_modes', sa.JSON), sa.column('pending', sa.JSON),
                     sa.column('share_mode', sa.String))
    for row in conn.execute(sa.select(rows.c.id, rows.c.share_modes, rows.c.pending)).all():
        text = "、".join(MODE_NAMES[m] for m in row.share_modes or [] if m in MODE_NAMES)
        pending = row.pending
        if pending is not None:
            pending = dict(pending)
            pending["share_mode"] = "、".join(MODE_NAMES[m] for m in pending.pop("share_modes", []) or []
                                             if m in MODE_NAMES)
            pending.pop("share_basis_kind", None)
        conn.execute(sa.update(rows).where(rows.c.id == row.id).values(share_mode=text, pending=pending))
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('share_assessed_at')
        batch_op.drop_column('share_modes')
        batch_op.drop_column('share_basis_kind')
