/*
 * hf_store.c -- SQL of the HF operator lists (see hf_store.h): the hf_ops
 * table, the hf_settings view, and their transactional writing.
 */
#include "store/hf_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct hf_store {
    sqlite3 *db;
    sqlite3_stmt *del, *ins;
    char path[4096], tmp[4200];
    int fresh;   /* written under tmp, renamed on commit */
};

static const char *schema_sql =
    "CREATE TABLE IF NOT EXISTS hf_ops("
    " model TEXT NOT NULL, model_type TEXT NOT NULL,"
    " mode TEXT NOT NULL, batch INTEGER NOT NULL, seq INTEGER NOT NULL, past INTEGER NOT NULL,"
    " context INTEGER NOT NULL, causal TEXT NOT NULL, mla TEXT NOT NULL,"
    " logits TEXT NOT NULL,"
    " op_index INTEGER NOT NULL, name TEXT NOT NULL, opcode TEXT NOT NULL, kind TEXT NOT NULL,"
    " block TEXT NOT NULL, layer INTEGER, inputs TEXT NOT NULL, output TEXT NOT NULL,"
    " params INTEGER NOT NULL, macs REAL NOT NULL, flops REAL NOT NULL, weight_bytes REAL NOT NULL,"
    " act_bytes REAL NOT NULL, deps TEXT NOT NULL,"
    " PRIMARY KEY(model, mode, batch, seq, past, causal, mla, logits, op_index));"
    "CREATE VIEW IF NOT EXISTS hf_settings AS SELECT model, model_type, mode, batch, seq, past, context, causal, mla, logits,"
    " count(*) AS ops, sum(macs) AS macs, sum(flops) AS flops, sum(weight_bytes) AS weight_bytes,"
    " sum(act_bytes) AS act_bytes,"
    " sum(CASE WHEN block = 'attention' THEN flops ELSE 0 END) / sum(flops) AS attention_flops_share"
    " FROM hf_ops GROUP BY model, model_type, mode, batch, seq, past, context, causal, mla, logits;";

static void fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

hf_store_t *hf_store_open(const char *path, char *err, size_t errlen)
{
    hf_store_t *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(st->path, sizeof st->path, "%s", path);
    st->fresh = access(path, F_OK) != 0;
    snprintf(st->tmp, sizeof st->tmp, "%s.tmp.%ld", path, (long)getpid());
    const char *open_path = st->fresh ? st->tmp : path;
    if (st->fresh)
        unlink(st->tmp);
    if (sqlite3_open_v2(open_path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fail(st->db, path, err, errlen);
        hf_store_abort(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, 10000);
    /* a new file is made whole under its temporary name and renamed: no journal needed */
    if (st->fresh)
        sqlite3_exec(st->db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL, NULL);
    char *msg = NULL;
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(st->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : "cannot write");
        sqlite3_free(msg);
        hf_store_abort(st);
        return NULL;
    }
    if (sqlite3_prepare_v2(st->db,
                           "DELETE FROM hf_ops WHERE model = ? AND mode = ? AND batch = ? AND seq = ? AND past = ? "
                           "AND causal = ? AND mla = ? AND logits = ?",
                           -1, &st->del, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db,
                           "INSERT INTO hf_ops VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st->ins,
                           NULL) != SQLITE_OK) {
        fail(st->db, path, err, errlen);
        hf_store_abort(st);
        return NULL;
    }
    return st;
}

static void shapes(const op_t *op, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < op->n_in && o < len; i++) {
        if (i)
            buf[o++] = ' ';
        op_tensor_str(&op->in[i], buf + o, len - o);
        o += strlen(buf + o);
    }
}

int hf_store_add(hf_store_t *st, const char *model, const char *model_type, const hf_setting_t *s,
                 const hf_ops_t *ops, char *err, size_t errlen)
{
    const char *mode = hf_mode_name(s->mode), *causal = hf_causal_name(s->causal), *mla = hf_mla_name(s->mla),
               *logits = s->logits_last ? "last" : "all";
    sqlite3_bind_text(st->del, 1, model, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st->del, 2, mode, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st->del, 3, s->batch);
    sqlite3_bind_int64(st->del, 4, s->seq);
    sqlite3_bind_int64(st->del, 5, s->past);
    sqlite3_bind_text(st->del, 6, causal, -1, SQLITE_STATIC);
    sqlite3_bind_text(st->del, 7, mla, -1, SQLITE_STATIC);
    sqlite3_bind_text(st->del, 8, logits, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st->del);
    sqlite3_reset(st->del);
    if (rc != SQLITE_DONE) {
        fail(st->db, st->path, err, errlen);
        return -1;
    }
    char in[512], out[128];
    char *deps = NULL;
    size_t deps_cap = 0;
    size_t n = op_graph_len(ops->g);
    for (size_t i = 0; i < n; i++) {
        const op_t *op = op_graph_get(ops->g, i);
        shapes(op, in, sizeof in);
        op_tensor_str(&op->out, out, sizeof out);
        size_t need = op->n_deps * 12 + 1;
        if (need > deps_cap) {
            char *p = realloc(deps, need);
            if (!p) {
                free(deps);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            deps = p;
            deps_cap = need;
        }
        size_t o = 0;
        deps[0] = '\0';
        for (size_t k = 0; k < op->n_deps; k++)
            o += (size_t)snprintf(deps + o, deps_cap - o, "%s%u", k ? " " : "", op->deps[k]);
        int c = 1;
        sqlite3_bind_text(st->ins, c++, model, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st->ins, c++, model_type, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st->ins, c++, mode, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st->ins, c++, s->batch);
        sqlite3_bind_int64(st->ins, c++, s->seq);
        sqlite3_bind_int64(st->ins, c++, s->past);
        sqlite3_bind_int64(st->ins, c++, s->past + s->seq);
        sqlite3_bind_text(st->ins, c++, causal, -1, SQLITE_STATIC);
        sqlite3_bind_text(st->ins, c++, mla, -1, SQLITE_STATIC);
        sqlite3_bind_text(st->ins, c++, logits, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st->ins, c++, (sqlite3_int64)i);
        sqlite3_bind_text(st->ins, c++, op->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st->ins, c++, op->opcode, -1, SQLITE_STATIC);
        sqlite3_bind_text(st->ins, c++, op_kind_name(op->kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st->ins, c++, hf_block_name((hf_block_t)ops->block[i]), -1, SQLITE_STATIC);
        if (ops->layer[i] >= 0)
            sqlite3_bind_int(st->ins, c++, ops->layer[i]);
        else
            sqlite3_bind_null(st->ins, c++);
        sqlite3_bind_text(st->ins, c++, in, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st->ins, c++, out, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st->ins, c++, op->params);
        sqlite3_bind_double(st->ins, c++, hf_op_macs(op));
        sqlite3_bind_double(st->ins, c++, op->flops);
        sqlite3_bind_double(st->ins, c++, op->weight_bytes);
        sqlite3_bind_double(st->ins, c++, op->act_bytes);
        sqlite3_bind_text(st->ins, c++, deps, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st->ins);
        sqlite3_reset(st->ins);
        if (rc != SQLITE_DONE) {
            fail(st->db, st->path, err, errlen);
            free(deps);
            return -1;
        }
    }
    free(deps);
    return 0;
}

static void close_db(hf_store_t *st)
{
    sqlite3_finalize(st->del);
    sqlite3_finalize(st->ins);
    sqlite3_close(st->db);
    st->db = NULL;
}

int hf_store_commit(hf_store_t *st, char *err, size_t errlen)
{
    char *msg = NULL;
    int rc = 0;
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", st->path, msg ? msg : "commit failed");
        sqlite3_free(msg);
        hf_store_abort(st);
        return -1;
    }
    close_db(st);
    if (st->fresh && rename(st->tmp, st->path) != 0) {
        snprintf(err, errlen, "%s: cannot rename %s into place", st->path, st->tmp);
        unlink(st->tmp);
        rc = -1;
    }
    free(st);
    return rc;
}

void hf_store_abort(hf_store_t *st)
{
    if (!st)
        return;
    if (st->db) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        close_db(st);
    }
    if (st->fresh) {
        unlink(st->tmp);
        char j[4300];
        snprintf(j, sizeof j, "%s-journal", st->tmp);
        unlink(j);
    }
    free(st);
}
