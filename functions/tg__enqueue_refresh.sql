-- pgfresh.tg__enqueue_refresh(): the generic enqueue trigger of the source tables. For each
-- pgfresh.view_sources row of the table whose view is a managed view, a statement that
-- added, removed or (per update_columns) changed rows inserts one pgfresh.refresh_queue row.
-- requires: tables/view_sources.sql, tables/refresh_queue.sql
-- AFTER ... FOR EACH STATEMENT, with transition tables named old_rows / new_rows (TRUNCATE
-- has none). Append-only INSERT: no unique key, no row updated, so two writers never
-- wait on each other, nor on a refresh that is deleting older requests.
-- The transition tables are read with EXECUTE because which of them exists depends on the
-- event. An UPDATE's watched columns are compared by primary key; names come from the
-- catalog and are quoted with %I. A listed column the table does not have is ignored; a
-- table without a primary key, or none of the listed columns, counts every UPDATE that
-- touches a row.
-- SECURITY DEFINER: writers of the source tables need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg__enqueue_refresh()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_source text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    v_target record;
    v_touched boolean;
    v_changed boolean;
BEGIN
    -- One cached query finds the targets and, for an UPDATE with watched columns, the
    -- table's key and watched columns; then one dynamic query reads the transition tables.
    -- Cost, backend CPU per single-row statement on the loaded 2-core dev machine: 0.2 to
    -- 0.4 ms (call, lookup 0.03, transition-table check 0.08, queue insert 0.04). Dead ends: a
    -- join on pg_class by name was planned as a scan of all of pg_class (+0.1 ms); custom
    -- plans were re-planned on every statement (+0.06 ms, hence force_generic_plan).
    -- 1000-row INSERTs: +1 to +2% backend CPU per row (python -m bench, trigger_overhead).
    FOR v_target IN
        SELECT
            s.view_name,
            CASE WHEN TG_OP = 'UPDATE' AND s.update_columns IS NOT NULL THEN
                (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attnum)
                   FROM pg_catalog.pg_index AS i
                   JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                  WHERE i.indrelid = TG_RELID AND i.indisprimary)
            END AS key_columns,
            CASE WHEN TG_OP = 'UPDATE' AND s.update_columns IS NOT NULL THEN
                (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attnum)
                   FROM pg_catalog.pg_attribute AS a
                  WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped
                    AND a.attname::text = ANY (s.update_columns))
            END AS watched_columns
          FROM pgfresh.view_sources AS s
         WHERE s.source_table = v_source
           AND (SELECT c.relkind
                  FROM pg_catalog.pg_class AS c
                 WHERE c.oid = pg_catalog.to_regclass(pg_catalog.format('analytics.%I', s.view_name))) = 'm'
    LOOP
        IF v_target.key_columns IS NOT NULL AND v_target.watched_columns IS NOT NULL THEN
            -- Pair old and new rows by primary key; a row whose key changed has no partner
            -- and counts as removed + added.
            EXECUTE pg_catalog.format(
                'SELECT EXISTS (SELECT FROM %I AS o FULL JOIN %I AS n ON %s '
                'WHERE o.%I IS NULL OR n.%I IS NULL OR ROW(%s) IS DISTINCT FROM ROW(%s))',
                'old_rows', 'new_rows',
                (SELECT pg_catalog.string_agg(pg_catalog.format('o.%1$I = n.%1$I', k), ' AND ')
                   FROM pg_catalog.unnest(v_target.key_columns) AS k),
                v_target.key_columns[1], v_target.key_columns[1],
                (SELECT pg_catalog.string_agg(pg_catalog.format('o.%I', c), ', ')
                   FROM pg_catalog.unnest(v_target.watched_columns) AS c),
                (SELECT pg_catalog.string_agg(pg_catalog.format('n.%I', c), ', ')
                   FROM pg_catalog.unnest(v_target.watched_columns) AS c)
            ) INTO v_changed;
        ELSE
            IF v_touched IS NULL THEN
                -- A statement trigger fires for zero rows too (UPDATE ... WHERE false).
                IF TG_OP = 'TRUNCATE' THEN
                    v_touched := true;
                ELSE
                    EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %I)',
                                              CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END)
                       INTO v_touched;
                END IF;
            END IF;
            v_changed := v_touched;
        END IF;
        IF v_changed THEN
            INSERT INTO pgfresh.refresh_queue (view_name, reason)
            VALUES (v_target.view_name, v_source || ' ' || TG_OP);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg__enqueue_refresh() IS
'Statement-level AFTER trigger (transition tables old_rows/new_rows): queues a refresh of each managed view that pgfresh.view_sources maps this table to, when the statement touched rows (UPDATE: changed one of update_columns).';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg__enqueue_refresh() FROM public;
