//! Imports: their rows, the history, the queue, idempotency keys, and the before-images (`import_changes`).
//!
//! The bodies are stamped into `StoreCommon` for each connection type by `store_impl!`.

macro_rules! imports_queries {
    () => {
        fn insert_import(&mut self, row: &ImportRow) -> Result<(), DbError> {
            diesel::insert_into(imports::table)
                .values(row)
                .execute(self)?;
            Ok(())
        }
        fn update_import(&mut self, row: &ImportRow) -> Result<(), DbError> {
            diesel::update(imports::table.find((row.meta.district_id, row.meta.number)))
                .set(row)
                .execute(self)?;
            Ok(())
        }
        fn import(
            &mut self,
            d: DistrictId,
            number: ImportNo,
        ) -> Result<Option<ImportRow>, DbError> {
            Ok(imports::table
                .find((d, number))
                .select(ImportRow::as_select())
                .first(self)
                .optional()?)
        }
        fn import_by_key(
            &mut self,
            d: DistrictId,
            key: &str,
        ) -> Result<Option<ImportRow>, DbError> {
            Ok(imports::table
                .filter(
                    imports::district_id
                        .eq(d)
                        .and(imports::idempotency_key.eq(key)),
                )
                .select(ImportRow::as_select())
                .first(self)
                .optional()?)
        }
        fn imports(&mut self, d: DistrictId) -> Result<Vec<ImportMeta>, DbError> {
            Ok(imports::table
                .filter(imports::district_id.eq(d))
                .order(imports::number.desc())
                .select(ImportMeta::as_select())
                .load(self)?)
        }
        fn unsealed_imports(&mut self, limit: i64) -> Result<Vec<ImportRow>, DbError> {
            Ok(imports::table
                .filter(imports::sealed.eq(false))
                .order((imports::district_id, imports::number))
                .limit(limit)
                .select(ImportRow::as_select())
                .load(self)?)
        }
        fn imports_with_status(&mut self, status: ImportStatus) -> Result<Vec<ImportRow>, DbError> {
            Ok(imports::table
                .filter(imports::status.eq(status.as_str()))
                .order((imports::district_id, imports::number))
                .select(ImportRow::as_select())
                .load(self)?)
        }
        fn forget_idempotency_keys(&mut self, before: i64) -> Result<usize, DbError> {
            Ok(diesel::update(
                imports::table.filter(
                    imports::idempotency_key
                        .is_not_null()
                        .and(imports::submitted_at.lt(before)),
                ),
            )
            .set((
                imports::idempotency_key.eq(None::<String>),
                imports::fingerprint.eq(None::<String>),
            ))
            .execute(self)?)
        }
        fn insert_changes(&mut self, rows: &[ChangeRow]) -> Result<(), DbError> {
            for chunk in rows.chunks(CHUNK) {
                diesel::insert_into(import_changes::table)
                    .values(chunk)
                    .execute(self)?;
            }
            Ok(())
        }
        fn changes(&mut self, d: DistrictId, number: ImportNo) -> Result<Vec<ChangeRow>, DbError> {
            Ok(import_changes::table
                .filter(
                    import_changes::district_id
                        .eq(d)
                        .and(import_changes::import_number.eq(number)),
                )
                .order(import_changes::user_id)
                .select(ChangeRow::as_select())
                .load(self)?)
        }
        fn later_changes(
            &mut self,
            d: DistrictId,
            number: ImportNo,
            ids: &[i64],
        ) -> Result<Vec<(i64, i64)>, DbError> {
            let mut out = Vec::new();
            for chunk in ids.chunks(CHUNK) {
                out.extend(
                    import_changes::table
                        .inner_join(
                            imports::table.on(imports::district_id
                                .eq(import_changes::district_id)
                                .and(imports::number.eq(import_changes::import_number))),
                        )
                        .filter(
                            import_changes::district_id
                                .eq(d)
                                .and(import_changes::import_number.gt(number))
                                .and(import_changes::user_id.eq_any(chunk)),
                        )
                        .filter(imports::status.eq(ImportStatus::Completed.as_str()))
                        .select((import_changes::import_number, import_changes::user_id))
                        .load::<(i64, i64)>(self)?,
                );
            }
            Ok(out)
        }
    };
}
pub(crate) use imports_queries;
