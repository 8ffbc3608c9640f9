//! Where the app is: every page and every step of the import wizard has a URL fragment
//! (`#/history/3`, `#/import/validate`), so the browser's Back and Forward move between them and
//! a bookmark or a reload opens the same page.
//!
//! Fragments, not paths: the app is static files that can be hosted anywhere (README), with
//! relative asset URLs and no server rewrite for deep links. `leptos_router` routes paths only
//! (hash routing is leptos-rs/leptos#2184, declined upstream), so this small typed table is
//! the router; pages navigate with [`Route::href`] and read the current [`Route`] from context.

/// A page of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Import,
    History,
    ImportDetail(i64),
    Users,
    /// One user's page (`#/users/12`).
    User(i64),
    Schools,
    Groups,
    Outbox,
    Tokens,
    Settings,
    /// A set-password link (opened by the person the mail was sent to: no sign-in).
    SetPassword,
}

/// A page, and the wizard's step when the page is the import, or the link's token when it is
/// the set-password page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub page: Page,
    pub step: Option<String>,
}

impl Route {
    pub fn page(page: Page) -> Route {
        Route { page, step: None }
    }

    pub fn step(step: &str) -> Route {
        Route {
            page: Page::Import,
            step: Some(step.to_owned()),
        }
    }

    /// Reads a fragment (`#/history/3`); anything unknown is the import, the home page.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_matches('/');
        let mut parts = path.split('/').filter(|p| !p.is_empty());
        let page = match (parts.next(), parts.next()) {
            (Some("history"), Some(n)) => match n.parse::<i64>() {
                Ok(n) if n > 0 => Page::ImportDetail(n),
                _ => Page::History,
            },
            (Some("history"), None) => Page::History,
            (Some("users"), Some(n)) => match n.parse::<i64>() {
                Ok(n) if n > 0 => Page::User(n),
                _ => Page::Users,
            },
            (Some("users"), None) => Page::Users,
            (Some("schools"), _) => Page::Schools,
            (Some("groups"), _) => Page::Groups,
            (Some("outbox"), _) => Page::Outbox,
            (Some("tokens"), _) => Page::Tokens,
            (Some("settings"), _) => Page::Settings,
            (Some("import"), Some(step)) => return Route::step(step),
            (Some("set-password"), Some(token)) => {
                return Route {
                    page: Page::SetPassword,
                    step: Some(token.to_owned()),
                }
            }
            _ => Page::Import,
        };
        Route::page(page)
    }

    /// The fragment that [`Route::parse`] reads back as this route.
    pub fn href(&self) -> String {
        match (self.page, &self.step) {
            (Page::Import, Some(s)) => format!("#/import/{s}"),
            (Page::Import, None) => "#/import".into(),
            (Page::History, _) => "#/history".into(),
            (Page::ImportDetail(n), _) => format!("#/history/{n}"),
            (Page::Users, _) => "#/users".into(),
            (Page::User(n), _) => format!("#/users/{n}"),
            (Page::Schools, _) => "#/schools".into(),
            (Page::Groups, _) => "#/groups".into(),
            (Page::Outbox, _) => "#/outbox".into(),
            (Page::Tokens, _) => "#/tokens".into(),
            (Page::Settings, _) => "#/settings".into(),
            (Page::SetPassword, t) => format!("#/set-password/{}", t.as_deref().unwrap_or("")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_reads_back_from_its_fragment() {
        for r in [
            Route::page(Page::Import),
            Route::step("validate"),
            Route::page(Page::History),
            Route::page(Page::ImportDetail(12)),
            Route::page(Page::Users),
            Route::page(Page::User(7)),
            Route::page(Page::Schools),
            Route::page(Page::Groups),
            Route::page(Page::Outbox),
            Route::page(Page::Tokens),
            Route::page(Page::Settings),
            Route {
                page: Page::SetPassword,
                step: Some("1.ab12".into()),
            },
        ] {
            assert_eq!(Route::parse(&r.href()), r, "{}", r.href());
        }
    }

    #[test]
    fn unknown_or_broken_fragments_open_a_page_that_exists() {
        assert_eq!(Route::parse(""), Route::page(Page::Import));
        assert_eq!(Route::parse("#/"), Route::page(Page::Import));
        assert_eq!(Route::parse("#/nowhere/7"), Route::page(Page::Import));
        assert_eq!(Route::parse("#/history/abc"), Route::page(Page::History));
        assert_eq!(Route::parse("#/history/-3"), Route::page(Page::History));
        assert_eq!(
            Route::parse("#history/3/"),
            Route::page(Page::ImportDetail(3))
        );
    }
}
