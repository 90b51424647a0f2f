//! A small browser over the router: keeps cookies, sends the CSRF token the way a page's
//! form would, and reads the answer.

use app::domain::Role;
use app::storage::{self, Db, NewGrant};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use ogp_tracker::http::{router, AppState};
use std::collections::BTreeMap;
use tower::ServiceExt;

pub const PASSWORD: &str = "a long test password";

pub fn test_router(db: &Db) -> axum::Router {
    let options = LeptosOptions::builder().output_name("ogp-tracker").build();
    router(AppState::new(options, db.clone()))
}

#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The page as sent, less the texts it carries for its islands: what a test finds in it
    /// is what the page shows, not the whole catalogue of its language.
    pub body: String,
    /// Those texts (`app::i18n::page_texts`), in a page that loads the script.
    pub page_texts: Option<String>,
}

/// `body` with the content of its page-texts element cut out, and that content.
fn cut_page_texts(body: String) -> (String, Option<String>) {
    let id = format!("id=\"{}\"", app::i18n::PAGE_TEXTS_ID);
    let Some(at) = body.find(&id) else {
        return (body, None);
    };
    let start = at
        + body[at..]
            .find('>')
            .expect("the element's opening tag ends")
        + 1;
    let end = start + body[start..].find("</script>").expect("the element ends");
    let texts = body[start..end].to_string();
    (format!("{}{}", &body[..start], &body[end..]), Some(texts))
}

impl Answer {
    /// The whole `Set-Cookie` value for cookie `name`, attributes included.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

#[derive(Clone)]
pub struct Browser {
    pub router: axum::Router,
    /// A running app server to send to over TCP instead of `router`.
    pub server: Option<std::net::SocketAddr>,
    pub cookies: BTreeMap<String, String>,
    /// Sent with every request (`x-forwarded-proto`, say).
    pub headers: Vec<(&'static str, &'static str)>,
    /// The masked CSRF token a page carried, and the cookie value it was made for.
    page_token: Option<(String, String)>,
}

impl Browser {
    pub fn new(router: &axum::Router) -> Browser {
        Browser {
            router: router.clone(),
            server: None,
            cookies: BTreeMap::new(),
            headers: Vec::new(),
            page_token: None,
        }
    }

    /// A browser of the app server listening at `server`.
    pub fn at(server: std::net::SocketAddr) -> Browser {
        Browser {
            server: Some(server),
            ..Browser::new(&axum::Router::new())
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
    }

    /// Sends a request; an answer that takes more than 30 seconds fails the test, naming
    /// the request, instead of holding up the whole suite.
    pub async fn send(&mut self, mut request: Request<Body>) -> Answer {
        for (name, value) in &self.headers {
            request
                .headers_mut()
                .insert(*name, header::HeaderValue::from_static(value));
        }
        let what = format!("{} {}", request.method(), request.uri());
        let limit = std::time::Duration::from_secs(30);
        let response = match self.server {
            None => tokio::time::timeout(limit, self.router.clone().oneshot(request))
                .await
                .unwrap_or_else(|_| panic!("{what}: no answer within {limit:?}"))
                .unwrap(),
            Some(server) => tokio::time::timeout(limit, over_tcp(server, request))
                .await
                .unwrap_or_else(|_| panic!("{what}: no answer within {limit:?}"))
                .unwrap_or_else(|e| panic!("{what}: {e}")),
        };
        let status = response.status();
        let headers = response.headers().clone();
        self.keep_cookies(&headers);
        let body = tokio::time::timeout(limit, response.into_body().collect())
            .await
            .unwrap_or_else(|_| panic!("{what}: the body did not end within {limit:?}"))
            .unwrap()
            .to_bytes();
        let (body, page_texts) = cut_page_texts(String::from_utf8_lossy(&body).into_owned());
        Answer {
            status,
            headers,
            body,
            page_texts,
        }
    }

    pub async fn get(&mut self, uri: &str) -> Answer {
        let request = Request::builder()
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// The CSRF token as a page's forms carry it (masked), fetched the way a browser gets
    /// it: by loading a page, again whenever the token in the cookie changed.
    pub async fn csrf(&mut self) -> String {
        let cookie = |browser: &Browser| {
            browser
                .cookies
                .iter()
                .find(|(name, _)| name.ends_with("ogp_csrf"))
                .map(|(_, value)| value.clone())
        };
        if let (Some((made_for, masked)), Some(now)) = (&self.page_token, cookie(self)) {
            if *made_for == now {
                return masked.clone();
            }
        }
        let page = self.get("/sign-in").await;
        let masked = page_csrf_token(&page.body);
        let made_for = cookie(self).expect("a CSRF cookie after loading a page");
        self.page_token = Some((made_for, masked.clone()));
        masked
    }

    /// Posts a form as a page would, with the CSRF token.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Answer {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(uri, serde_urlencoded::to_string(&all).unwrap(), &[])
            .await
    }

    pub async fn post_raw(&mut self, uri: &str, body: String, headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "tracker.test");
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
        {
            request = request.header(header::ACCEPT, "text/html");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Posts a form that sends a file (`multipart/form-data`), as a page would, with the
    /// CSRF token first.
    pub async fn post_file(
        &mut self,
        uri: &str,
        field: &str,
        file_name: &str,
        content: &[u8],
    ) -> Answer {
        self.post_multipart(uri, &[], &[(field, file_name, content)])
            .await
    }

    /// Posts a form with text `fields` and `files` (field, file name, content) as
    /// `multipart/form-data`, with the CSRF token first.
    pub async fn post_multipart(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Answer {
        let token = self.csrf().await;
        let boundary = "----tracker-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, value) in std::iter::once(&("_csrf", token.as_str())).chain(fields) {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (field, file_name, content) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; \
                     filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::HOST, "tracker.test")
            .header(header::ACCEPT, "text/html")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// The raw bytes and headers of a GET.
    pub async fn get_bytes(&mut self, uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let request = Request::builder()
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::HOST, "tracker.test")
            .body(Body::empty())
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, bytes)
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Answer {
        self.post("/sign-in", &[("email", email), ("password", password)])
            .await
    }
}

/// Sends `request` to the app server at `server` over its own HTTP/1.1 connection.
async fn over_tcp(
    server: std::net::SocketAddr,
    mut request: Request<Body>,
) -> Result<axum::response::Response, String> {
    if !request.headers().contains_key(header::HOST) {
        let host = header::HeaderValue::from_str(&server.to_string()).unwrap();
        request.headers_mut().insert(header::HOST, host);
    }
    let stream = tokio::net::TcpStream::connect(server)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    Ok(response.map(Body::new))
}

/// The CSRF token a rendered page carries, from the state in its head.
pub fn page_csrf_token(html: &str) -> String {
    let start = "csrf_token&quot;:&quot;";
    let at = html.find(start).expect("a page with its state") + start.len();
    html[at..at + 128].to_string()
}

/// An account with `PASSWORD` and the given grants (role, member code, institution).
pub async fn add_user(db: &Db, email: &str, grants: &[(Role, Option<&str>, Option<&str>)]) -> i64 {
    let hash = ogp_tracker::auth::hash_password(PASSWORD).unwrap();
    let now = storage::now();
    let mut tx = db.begin().await.unwrap();
    let id = storage::insert_user(&mut tx, email, email, Some(&hash), false, now)
        .await
        .unwrap();
    for (role, member, institution) in grants {
        let member_id = match member {
            Some(code) => storage::member_id_by_code(&mut tx, code).await.unwrap(),
            None => None,
        };
        let grant = NewGrant {
            role: *role,
            member_id,
            institution: institution.map(str::to_string),
        };
        storage::insert_grant(&mut tx, id, &grant, None, now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

/// An open milestone of demo member XAA (the first that is neither completed nor
/// withdrawn), as the update tests start from it.
#[derive(sqlx::FromRow)]
pub struct OpenMilestone {
    pub id: i64,
    /// Its commitment's code.
    pub code: String,
    pub lead: String,
    pub status: String,
    pub progress: i64,
}

pub async fn open_demo_milestone(db: &Db) -> OpenMilestone {
    crate::common::on_pool!(db, |pool| sqlx::query_as(
        "SELECT ms.id, c.code, c.lead_institution AS lead, ms.status, ms.progress
         FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
         WHERE c.code LIKE 'XAA%' AND ms.status NOT IN ('completed', 'withdrawn')
         ORDER BY ms.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap())
}

/// A browser signed in as a new point of contact of member XAA for `lead`.
pub async fn signed_in_poc(db: &Db, router: &axum::Router, email: &str, lead: &str) -> Browser {
    add_user(db, email, &[(Role::Poc, Some("XAA"), Some(lead))]).await;
    let mut browser = Browser::new(router);
    browser.sign_in(email, PASSWORD).await;
    browser
}

/// Demo data small enough to be quick: two members with milestones, and the demo accounts.
pub async fn small_demo(db: &Db) {
    ogp_tracker::commands::demo::generate(
        db,
        &ogp_tracker::commands::Actor::CommandLine,
        &ogp_tracker::commands::demo::DemoConfig {
            scale: 0.03,
            seed: 7,
        },
    )
    .await
    .unwrap();
}

impl Browser {
    /// Posts a milestone update as its form does, made from `version`. A completed one
    /// carries an evidence link, as completion needs.
    pub async fn post_update(
        &mut self,
        milestone: i64,
        status: &str,
        progress: &str,
        narrative: &str,
        version: i64,
    ) -> Answer {
        let version = version.to_string();
        let evidence = if status == "completed" {
            "https://example.org/evidence Published record"
        } else {
            ""
        };
        let fields = [
            ("status", status),
            ("progress", progress),
            ("narrative", narrative),
            ("evidence", evidence),
            ("version", version.as_str()),
        ];
        self.post(&format!("/milestones/{milestone}/updates"), &fields)
            .await
    }

    /// Posts a form asking for JSON, as a script would; returns the status and the JSON.
    pub async fn post_json(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, serde_json::Value) {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &token)];
        all.extend_from_slice(fields);
        let answer = self
            .post_raw(
                uri,
                serde_urlencoded::to_string(&all).unwrap(),
                &[("accept", "application/json")],
            )
            .await;
        let json = serde_json::from_str(&answer.body).unwrap_or(serde_json::Value::Null);
        (answer.status, json)
    }
}

/// The path of a one-time link from a JSON answer.
pub fn link_path(json: &serde_json::Value) -> String {
    let link = json["link"].as_str().expect("a link in the answer");
    let path_start = link.find("://").map(|i| i + 3).unwrap();
    let path = &link[path_start..];
    path[path.find('/').unwrap()..].to_string()
}
