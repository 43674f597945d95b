/*
 * views.h -- the query surface of a database: the best_per_batch and pareto
 * views and the indexes that make them fast (see views.c for the columns).
 */
#ifndef STORE_VIEWS_H
#define STORE_VIEWS_H

#include <sqlite3.h>
#include <stddef.h>

/* SQL: the rows of perf_choices (alias a) that compete for the pareto
 * frontier: the generate_latency (2) and generate_tco (3) choices with both
 * coordinates (the pareto view, its join form and rank_rebuild). */
#define PARETO_CANDIDATE(a)                                                                           \
    a ".objective_index IN (2, 3) AND " a ".generate_latency_s IS NOT NULL AND " a                    \
      ".generate_tco_per_token_usd IS NOT NULL"

/* The views and their indexes in the main schema (IF NOT EXISTS; the keyed
 * form when views_keyed()).  Called by db_schema_create. */
int views_create(sqlite3 *db, char *err, size_t errlen);
/* One form of the views: in the temp schema (temp != 0, no indexes: works on
 * a read-only connection to a database that lacks them) or in main with
 * their indexes; keyed != 0 needs perf's model/prefill_len/generate_len. */
int views_create_in(sqlite3 *db, int temp, int keyed, char *err, size_t errlen);
/* 1 when perf carries its system's model, prefill_len and generate_len. */
int views_keyed(sqlite3 *db);
/* 1 when the indexes of that form of the views exist.  The keyed form
 * without them is very slow (a scan per group): `hwsweep query` then uses
 * the join form. */
int views_indexed(sqlite3 *db, int keyed);
/* Drop the perf indexes of the views and systems_eval before a bulk load
 * (maintaining them row by row costs more than building them once, and
 * rows copied shard after shard leave their pages nearly empty);
 * views_create() or views_rank_create() builds them again. */
int views_drop_indexes(sqlite3 *db, char *err, size_t errlen);
/* Schema version 5: the ranking tables (rank_store.h) and the views in
 * their rank form, reading them (IF NOT EXISTS).  Called by db_schema_create. */
int views_rank_create(sqlite3 *db, char *err, size_t errlen);
/* 1 when the database's own views are the rank form (then views_indexed is 1). */
int views_rank_form(sqlite3 *db);
/* 1 when the database's own views are the join form (a sweep under way of
 * schema version 4 dropped its ranking indexes and used it). */
int views_live_form(sqlite3 *db);

#endif
