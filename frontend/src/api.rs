//! A typed client for the backend's JSON API. The base URL comes from `config.json` beside
//! `index.html` (default: same origin).

use gloo_net::http::{Request, RequestBuilder, Response};
use rollcall_shared::api::{ErrorBody, LoginAsk, SessionAnswer};
use rollcall_shared::error_code::ErrorCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub district: String,
    pub district_name: String,
    pub admin: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: ErrorCode,
    pub message: String,
    /// The users named by the answer (a rollback that later imports block).
    pub users: Vec<String>,
}

impl ApiError {
    fn unreachable() -> ApiError {
        ApiError {
            status: 0,
            code: ErrorCode::Unreachable,
            message: "The server cannot be reached: check your connection, then try again.".into(),
            users: vec![],
        }
    }

    /// An answer the browser cannot read as the API's.
    fn bad_response(status: u16, message: String) -> ApiError {
        ApiError {
            status,
            code: ErrorCode::BadResponse,
            message,
            users: vec![],
        }
    }
    pub fn expired(&self) -> bool {
        self.status == 401
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    pub base: String,
    pub session: Option<Session>,
}

#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    api_base: String,
}

/// Reads `config.json`; a missing or broken file means "same origin".
pub async fn load_base() -> String {
    match Request::get("./config.json").send().await {
        Ok(r) if r.ok() => r
            .json::<Config>()
            .await
            .map(|c| c.api_base.trim_end_matches('/').to_owned())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

async fn read<T: DeserializeOwned>(r: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let r = r.map_err(|_| ApiError::unreachable())?;
    let status = r.status();
    if (200..300).contains(&status) {
        // A 204 has no body: only a type that reads `null` (a unit) accepts it.
        let text = r
            .text()
            .await
            .map_err(|e| ApiError::bad_response(status, e.to_string()))?;
        let text = if status == 204 && text.is_empty() {
            "null"
        } else {
            text.as_str()
        };
        return serde_json::from_str(text)
            .map_err(|e| ApiError::bad_response(status, e.to_string()));
    }
    // A body that is not ours (a proxy's page) has no code: the browser says so itself.
    match r.json::<ErrorBody>().await {
        Ok(b) => Err(ApiError {
            status,
            code: b.code,
            message: b.message,
            users: b.users,
        }),
        Err(_) => Err(ApiError::bad_response(
            status,
            format!("The server answered {status}."),
        )),
    }
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn auth(&self, b: RequestBuilder) -> RequestBuilder {
        match &self.session {
            Some(s) => b.header("authorization", &format!("Bearer {}", s.token)),
            None => b,
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<Session, ApiError> {
        let body = LoginAsk {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        let r = Request::post(&self.url("/api/session"))
            .json(&body)
            .map_err(|_| ApiError::unreachable())?
            .send()
            .await;
        let v: SessionAnswer = read(r).await?;
        Ok(Session {
            token: v.token,
            district: v.district.short_name,
            district_name: v.district.name,
            admin: v.admin.email,
        })
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        read(self.auth(Request::get(&self.url(path))).send().await).await
    }

    pub async fn delete(&self, path: &str) -> Result<(), ApiError> {
        let r = self.auth(Request::delete(&self.url(path))).send().await;
        read::<serde::de::IgnoredAny>(r).await.map(|_| ())
    }

    /// A JSON body sent with `builder`, the answer read as `T`.
    async fn send_json<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
        body: String,
        headers: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let mut b = self
            .auth(builder)
            .header("content-type", "application/json");
        for (k, v) in headers {
            b = b.header(k, v);
        }
        read(
            b.body(body)
                .map_err(|_| ApiError::unreachable())?
                .send()
                .await,
        )
        .await
    }

    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: String,
        headers: &[(&str, String)],
    ) -> Result<T, ApiError> {
        self.send_json(Request::post(&self.url(path)), body, headers)
            .await
    }

    pub async fn patch_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: String,
        headers: &[(&str, String)],
    ) -> Result<T, ApiError> {
        self.send_json(Request::patch(&self.url(path)), body, headers)
            .await
    }

    pub async fn put_json(&self, path: &str, body: String) -> Result<(), ApiError> {
        self.send_json::<serde::de::IgnoredAny>(Request::put(&self.url(path)), body, &[])
            .await
            .map(|_| ())
    }

    /// A GET whose body stays in the browser's memory, never copied into this module's (whose
    /// memory only grows): a download, or the roster snapshot handed on to the worker. `None`
    /// when the server answers 304 to `etag`; else the body and its ETag.
    async fn get_raw(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Option<(web_sys::Response, Option<String>)>, ApiError> {
        let mut b = self.auth(Request::get(&self.url(path)));
        if let Some(t) = etag {
            b = b.header("if-none-match", t);
        }
        let r = b.send().await.map_err(|_| ApiError::unreachable())?;
        match r.status() {
            304 => Ok(None),
            s if (200..300).contains(&s) => {
                let tag = r.headers().get("etag");
                Ok(Some((web_sys::Response::from(r), tag)))
            }
            _ => read::<serde::de::IgnoredAny>(Ok(r)).await.map(|_| None),
        }
    }

    /// The body of a GET as an `ArrayBuffer` (see `get_raw`).
    pub async fn get_buffer(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Option<(js_sys::ArrayBuffer, Option<String>)>, ApiError> {
        let Some((r, tag)) = self.get_raw(path, etag).await? else {
            return Ok(None);
        };
        let buf = body(&r, web_sys::Response::array_buffer).await?;
        Ok(Some((buf.into(), tag)))
    }

    /// The body of a GET as a `Blob`, to offer as a download (see `get_raw`).
    pub async fn get_blob(&self, path: &str) -> Result<Option<web_sys::Blob>, ApiError> {
        let Some((r, _)) = self.get_raw(path, None).await? else {
            return Ok(None);
        };
        Ok(Some(body(&r, web_sys::Response::blob).await?.into()))
    }
}

/// A response's body, read by `read` (`array_buffer`, `blob`); an error when the browser could
/// not read it (the connection dropped mid-way).
async fn body(
    r: &web_sys::Response,
    read: fn(&web_sys::Response) -> Result<js_sys::Promise, wasm_bindgen::JsValue>,
) -> Result<wasm_bindgen::JsValue, ApiError> {
    let status = r.status();
    let bad = |e: wasm_bindgen::JsValue| ApiError::bad_response(status, format!("{e:?}"));
    let promise = read(r).map_err(bad)?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(bad)
}
