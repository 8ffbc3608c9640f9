//! The outbox.
//!
//! The bodies are stamped into `StoreCommon` for each connection type by `store_impl!`.

macro_rules! mail_queries {
    () => {
        fn insert_mail(
            &mut self,
            d: DistrictId,
            to: &str,
            subject: &str,
            body: &str,
            sent: bool,
        ) -> Result<(), DbError> {
            let id = self.allocate(d, Counter::Mail)?;
            let now = now_ms();
            diesel::insert_into(outbox::table)
                .values(&MailRow {
                    district_id: d,
                    id,
                    to_addr: to.into(),
                    subject: subject.into(),
                    body: body.into(),
                    created_at: now,
                    sent_at: sent.then_some(now),
                })
                .execute(self)?;
            Ok(())
        }
        fn outbox(&mut self, d: DistrictId) -> Result<Vec<MailRow>, DbError> {
            Ok(outbox::table
                .filter(outbox::district_id.eq(d))
                .order(outbox::id.desc())
                .select(MailRow::as_select())
                .load(self)?)
        }
        fn unsent_mail(&mut self, limit: i64) -> Result<Vec<MailRow>, DbError> {
            Ok(outbox::table
                .filter(outbox::sent_at.is_null())
                .order((outbox::created_at, outbox::district_id, outbox::id))
                .limit(limit)
                .select(MailRow::as_select())
                .load(self)?)
        }
        fn mark_sent(&mut self, d: DistrictId, id: i64, at: i64) -> Result<(), DbError> {
            diesel::update(outbox::table.find((d, id)))
                .set(outbox::sent_at.eq(Some(at)))
                .execute(self)?;
            Ok(())
        }
    };
}
pub(crate) use mail_queries;
