//! The dashboard in a real headless browser: Debian's Chromium driven through its
//! ChromeDriver (both installed by .ci/setup) over the WebDriver protocol. Pages load,
//! the stylesheet applies, charts render with a size, a leak in a test service shows with
//! its `go` statement, links and the "since" form work, and a hostile service's strings
//! stay text. Screenshots are taken to check the page paints, never written to the repo.

mod watch_common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use watch_common::*;

fn tool(path: &str, package: &str) -> String {
    assert!(
        Path::new(path).is_file(),
        "{path} is not installed: run .ci/setup (it installs the Debian package `{package}`)"
    );
    path.to_string()
}

/// A WebDriver session, deleted when dropped.
struct Browser {
    driver: String,
    session: String,
}

impl Browser {
    fn start(driver: &str, profile: &Path) -> Browser {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tool("/usr/bin/chromium", "chromium"),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,1600",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let v = call("POST", &format!("{driver}/session"), Some(caps));
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Browser {
            driver: driver.to_string(),
            session,
        }
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/session/{}{rest}", self.driver, self.session)
    }

    fn open(&self, page: &str) {
        call("POST", &self.url("/url"), Some(json!({ "url": page })));
    }

    /// Runs `script` in the page; its return value.
    fn eval(&self, script: &str) -> Value {
        call(
            "POST",
            &self.url("/execute/sync"),
            Some(json!({"script": script, "args": []})),
        )["value"]
            .clone()
    }

    fn click(&self, css: &str) {
        let v = call(
            "POST",
            &self.url("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        let id = v["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("no {css}: {v}"))
            .to_string();
        call(
            "POST",
            &self.url(&format!("/element/{id}/click")),
            Some(json!({})),
        );
    }

    fn screenshot_base64(&self) -> String {
        call("GET", &self.url("/screenshot"), None)["value"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.url("")).call();
    }
}

fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut response = match (method, body) {
        ("POST", Some(b)) => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(b.to_string())
            .unwrap(),
        ("GET", _) => agent.get(url).call().unwrap(),
        _ => unreachable!(),
    };
    let status = response.status().as_u16();
    let v: Value = serde_json::from_reader(response.body_mut().as_reader()).unwrap();
    assert_eq!(status, 200, "{method} {url}: {v}");
    v
}

fn hostile(_: &str, path: &str) -> Option<(u16, String)> {
    Some(match path {
        "/debug/pprof/goroutine?debug=2" => {
            let mut dump =
                String::from("goroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x1\n");
            for id in 2..20 {
                dump.push_str(&format!(
                    "\ngoroutine {id} [chan receive, 30 minutes]:\n\
                     main.Evil<img/src=x/onerror=window.pwned=1>(0x0)\n\
                     \t/src/<script>window.pwned=2</script>/x.go:10 +0x1\n\
                     created by main.Start in goroutine 1\n\t/src/x.go:20 +0x2\n"
                ));
            }
            (200, dump)
        }
        _ => (404, String::new()),
    })
}

#[test]
fn the_dashboard_in_a_headless_browser() {
    let chromedriver = tool("/usr/bin/chromedriver", "chromium-driver");
    let dir = temp_dir("browser");
    let leaky = start_service();
    let evil = FakeServer::start(hostile);
    let store = dir.join("g.db");
    let store_arg = store.to_str().unwrap();
    // `goguard watch` itself serves the dashboard while it polls.
    let (_watch, addr) = goguard_server(&[
        "watch",
        &leaky.url(),
        &format!("http://{}", evil.addr),
        "--db",
        store_arg,
        "--every",
        "200ms",
        "--listen",
        "127.0.0.1:0",
    ]);
    let conn = rusqlite::Connection::open(&store).unwrap();
    let samples = |url: &str| -> i64 {
        conn.query_row(
            "SELECT COUNT(*) FROM samples s JOIN targets t ON t.id = s.target_id
             WHERE t.url = ?1 AND s.error IS NULL",
            [url],
            |r| r.get(0),
        )
        .unwrap_or(0)
    };

    let port = free_port();
    let _driver = Proc {
        child: Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    };
    let driver = format!("http://127.0.0.1:{port}");
    wait_for("chromedriver", Duration::from_secs(30), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    let browser = Browser::start(&driver, &dir.join("profile"));

    // Before the leak: polled, nothing suspect.
    wait_for("the first polls", Duration::from_secs(30), || {
        (samples(&leaky.url()) >= 2).then_some(())
    });
    browser.open(&format!("http://{addr}/target/1"));
    assert_eq!(
        browser.eval("return document.querySelectorAll('#no-suspects').length"),
        1
    );
    // The leak, under load; the page shows it once a poll has seen it.
    load(&leaky.addr, "/leak", 30);
    wait_for("the leak on the dashboard", Duration::from_secs(30), || {
        browser.open(&format!("http://{addr}/target/1"));
        let n = browser.eval("return document.querySelectorAll('.suspect').length");
        (n.as_u64() == Some(1)).then_some(())
    });

    // The overview: both services, a sparkline drawn with a width.
    browser.open(&format!("http://{addr}/"));
    assert_eq!(
        browser.eval("return document.title"),
        "Services · goguard watch"
    );
    assert_eq!(
        browser.eval("return document.querySelectorAll('#targets tr.target').length"),
        2
    );
    let spark = browser.eval("return document.querySelector('svg.spark polyline').getBBox().width");
    assert!(spark.as_f64().unwrap() > 100.0, "{spark}");

    // The leaky service's page, through its link.
    browser.click("a[href='/target/1']");
    assert_eq!(browser.eval("return location.pathname"), "/target/1");
    let charts = browser.eval(
        "return Array.from(document.querySelectorAll('svg.chart')).map(s => {
           const line = s.querySelector('polyline');
           return { w: s.getBoundingClientRect().width, line: line ? line.getBBox().width : 0 };
         })",
    );
    let charts = charts.as_array().unwrap();
    assert_eq!(charts.len(), 2, "goroutines and heap: {charts:?}");
    for c in charts {
        assert!(
            c["w"].as_f64().unwrap() > 300.0 && c["line"].as_f64().unwrap() > 300.0,
            "{c}"
        );
    }
    let suspect = browser.eval("return document.querySelector('.suspect').innerText");
    let suspect = suspect.as_str().unwrap();
    assert!(
        suspect.contains("RT001") && suspect.contains("main.fetchWithTimeout"),
        "{suspect}"
    );
    assert!(browser
        .eval("return document.querySelector('.go-statement').innerText")
        .as_str()
        .unwrap()
        .ends_with("watch_target/main.go:33"));
    // The stylesheet applied: the confidence badge is coloured.
    let colour =
        browser.eval("return getComputedStyle(document.querySelector('.badge')).backgroundColor");
    assert_eq!(colour, "rgb(214, 137, 16)", "the medium badge");
    let png = browser.screenshot_base64();
    assert!(
        png.starts_with("iVBORw0KGgo") && png.len() > 20_000,
        "a painted PNG, {} bytes of base64",
        png.len()
    );

    // Growth since a time, through the form.
    browser.eval("document.querySelector('input[name=since]').value = '2000-01-01 00:00'; document.querySelector('form').submit(); return 0");
    wait_for("the growth page", Duration::from_secs(10), || {
        browser
            .eval("return location.search")
            .as_str()
            .is_some_and(|s| s.contains("since=2000"))
            .then_some(())
    });
    assert!(browser
        .eval("return document.body.innerText")
        .as_str()
        .unwrap()
        .contains("Growth"));

    // The stack of the leaking site.
    browser.click(".suspect a[href*='/site/']");
    let stack = browser.eval("return document.querySelector('pre.stack').innerText");
    assert!(
        stack
            .as_str()
            .unwrap()
            .contains("created by main.fetchWithTimeout"),
        "{stack}"
    );

    // The hostile service: its markup is text, nothing of it runs or loads.
    browser.open(&format!("http://{addr}/target/2"));
    assert_eq!(
        browser.eval("return document.querySelectorAll('script, img').length"),
        0
    );
    assert_eq!(browser.eval("return window.pwned === undefined"), true);
    let text = browser.eval("return document.body.innerText");
    assert!(
        text.as_str()
            .unwrap()
            .contains("main.Evil<img/src=x/onerror=window.pwned=1>"),
        "{text}"
    );
}
