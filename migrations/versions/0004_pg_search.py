"""PostgreSQL search tables (search_documents: weighted tsvector with a RUM or GIN index, facets;
search_facet_counts: facet counts of the whole index)

Only on PostgreSQL: the embedded profile (SQLite) searches with Whoosh and gets no table.
The statements are written out here, frozen, rather than imported from the backend.

Revision ID: 0004_pg_search
Revises: 0004_complaints
Create Date: 2026-11-21 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_pg_search'
down_revision = '0004_complaints'
branch_labels = None
depends_on = None

TABLE = """
CREATE TABLE IF NOT EXISTS search_documents (
    id varchar(64) NOT NULL,
    tsv tsvector NOT NULL,
    facets text[] NOT NULL,
    modified double precision NOT NULL,
    downloads bigint NOT NULL,
    title_sort text COLLATE "C" NOT NULL,
    CONSTRAINT ix_search_documents_pkey PRIMARY KEY (id)
)"""
COUNTS = "CREATE TABLE IF NOT EXISTS search_facet_counts (value text PRIMARY KEY, n bigint NOT NULL)"
INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_search_documents_facets ON search_documents USING gin (facets)",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_modified ON search_documents (modified DESC, id)",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_downloads ON search_documents (downloads DESC, modified DESC, id)",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_title ON search_documents (title_sort, id)",
)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    rum = bool(bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'rum'")))
    if not rum and bind.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")):
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS rum"))
            rum = True
        except sa.exc.DBAPIError:  # not allowed to create extensions: GIN + ts_rank instead
            rum = False
    bind.execute(sa.text(TABLE))
    bind.execute(sa.text(COUNTS))
    if rum:
        bind.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_search_documents_tsv ON search_documents "
                             "USING rum (tsv rum_tsvector_ops)"))
    else:
        bind.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_search_documents_tsv ON search_documents USING gin (tsv)"))
    for ddl in INDEXES:
        bind.execute(sa.text(ddl))


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP TABLE IF EXISTS search_documents")
    op.execute("DROP TABLE IF EXISTS search_facet_counts")
