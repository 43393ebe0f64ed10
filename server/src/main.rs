//! `parvis`: serve the portal, migrate, load demo data, add accounts.

use anyhow::Context;
use app::accounts::model::{Email, NewPassword, Role};
use app::accounts::service::{create_user, CreateUserError};
use app::server::clock::Clock;
use clap::Parser;
use server::cli::{Cli, Command, RetentionCommand, TermsCommand, UserCommand};
use server::config::Config;
use std::io::BufRead;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("parvis: {err}");
            return ExitCode::from(2);
        }
    };
    server::init_logging(&config);
    match run(cli, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("parvis: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => server::serve(&config, server::leptos_options()?).await,
        Command::Migrate => {
            let db = server::open_database(&config).await?;
            println!("Database migrated ({}).", db.kind().name());
            db.close().await;
            Ok(())
        }
        Command::DemoData => {
            let db = server::open_database(&config).await?;
            let report = app::demo::load(&db, &Clock::System).await?;
            println!(
                "Demo data of {}: {} account(s) created, {} already present; {} forum proposal(s) created; {} survey(s) created; {} service(s) created; {} agenda(s) and facilities created.",
                config.site.commune_name,
                report.created_accounts,
                report.existing_accounts,
                report.created_proposals,
                report.created_surveys,
                report.created_services,
                report.created_places
            );
            db.close().await;
            Ok(())
        }
        Command::BenchData(args) => {
            let db = server::open_database(&config).await?;
            let state = cli_state(&config, &db)?;
            let data = app::loadtest::load(
                &state,
                args.proposals,
                args.typical_comments,
                args.long_comments,
            )
            .await?;
            // Read by `.ci/bench`.
            println!(
                "proposals={} typical_proposal={} long_proposal={}",
                data.proposals, data.typical_proposal, data.long_proposal
            );
            db.close().await;
            Ok(())
        }
        Command::SurveyBenchData(args) => {
            let db = server::open_database(&config).await?;
            let state = cli_state(&config, &db)?;
            let bench = app::surveys::bench_data::load(
                &state,
                args.answers,
                args.sendings,
                args.concurrency,
            )
            .await?;
            // Read by `.ci/bench-surveys`.
            println!(
                "survey={} answers={} sendings={} sendings_per_second={:.0}",
                bench.survey, bench.answers, bench.sendings, bench.sendings_per_second
            );
            db.close().await;
            Ok(())
        }
        Command::RenderPages(args) => {
            // On a runtime of its own with one thread: the main runtime's idle workers look
            // for work for a while before they sleep, and how long varies from run to run,
            // which callgrind would count (`.ci/instructions`).
            let (path, times) = (args.path.clone(), args.times);
            let bytes = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?
                    .block_on(server::render_pages::render_pages(
                        &config,
                        &args.path,
                        args.times,
                        &args.email,
                    ))
            })
            .join()
            .map_err(|_| anyhow::anyhow!("the rendering thread panicked"))??;
            // Read by `.ci/instructions`.
            println!("rendered {path} {times} time(s): {bytes} bytes");
            Ok(())
        }
        Command::Retention { command } => {
            let db = server::open_database(&config).await?;
            let state = cli_state(&config, &db)?;
            let outcome = retention(&state, command).await;
            db.close().await;
            outcome
        }
        Command::Terms {
            command: TermsCommand::Publish { summary },
        } => {
            let db = server::open_database(&config).await?;
            let state = cli_state(&config, &db)?;
            let outcome = app::privacy::consents::publish_terms(&state, &summary).await;
            db.close().await;
            let version = outcome.map_err(|_| anyhow::anyhow!("summary: 1 to 2000 characters"))?;
            println!(
                "Terms version {version} published: accounts accept it at their next sign-in."
            );
            Ok(())
        }
        Command::User {
            command: UserCommand::Erase { email, mode },
        } => {
            let email = Email::parse(&email)
                .map_err(|_| anyhow::anyhow!("--email: not a valid e-mail address"))?;
            let mode = app::privacy::model::ErasureMode::parse(&mode).context("--mode")?;
            let db = server::open_database(&config).await?;
            let state = cli_state(&config, &db)?;
            let outcome = async {
                let user = account_id(&db, &email).await?;
                app::privacy::erasure::erase(&state, user, mode, state.clock.now_ms()).await
            }
            .await;
            db.close().await;
            outcome?;
            println!("Account {} erased.", email.as_str());
            Ok(())
        }
        Command::User {
            command: UserCommand::Add(add),
        } => {
            let email = Email::parse(&add.email)
                .map_err(|_| anyhow::anyhow!("--email: not a valid e-mail address"))?;
            let role = Role::parse(&add.role).context("--role")?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            let password =
                NewPassword::parse(line.trim_end_matches(['\r', '\n'])).map_err(|_| {
                    anyhow::anyhow!(
                        "password: between {} and {} characters expected",
                        NewPassword::MIN_CHARS,
                        NewPassword::MAX_CHARS
                    )
                })?;
            let db = server::open_database(&config).await?;
            let outcome = create_user(&db, &Clock::System, &email, &add.name, role, password).await;
            db.close().await;
            match outcome {
                Ok(id) => {
                    println!(
                        "Account {} created with role {role} (id {id}).",
                        email.as_str()
                    );
                    Ok(())
                }
                Err(CreateUserError::EmailTaken) => {
                    anyhow::bail!("an account already uses {}", email.as_str())
                }
                Err(CreateUserError::Internal(err)) => Err(err),
            }
        }
    }
}

/// The state of a command-line tool: the instance's public address and uploads folder,
/// the system clock, no site files.
fn cli_state(
    config: &Config,
    db: &app::server::db::Db,
) -> anyhow::Result<app::server::state::AppState> {
    Ok(app::server::state::AppState {
        uploads: config.uploads.clone(),
        sealer: std::sync::Arc::new(app::server::seal::Sealer::load_or_create(
            &config.secret_key_file,
        )?),
        ..app::server::state::AppState::detached(
            db.clone(),
            config.public_url.clone(),
            Clock::System,
        )
    })
}

/// The id of the account using `email`.
async fn account_id(db: &app::server::db::Db, email: &Email) -> anyhow::Result<i64> {
    app::accounts::service::find_user(db, email)
        .await?
        .map(|user| user.id)
        .with_context(|| format!("no account uses {}", email.as_str()))
}

/// `parvis retention …`.
async fn retention(
    state: &app::server::state::AppState,
    command: RetentionCommand,
) -> anyhow::Result<()> {
    use app::privacy::model::Category;
    use app::privacy::retention;
    let pool = state.db.pool();
    match command {
        RetentionCommand::Show => {
            println!("Retention periods (months):");
            for category in Category::ALL {
                let months = retention::months(pool, category).await?;
                let default = category.default_months();
                println!("  {:<14} {months:>4}   (default {default})", category.key());
            }
            let services: Vec<(String, i64)> =
                sqlx::query_as("SELECT slug, retention_months FROM services ORDER BY slug")
                    .fetch_all(pool)
                    .await?;
            println!("Requests, per service (months after their last change, once decided):");
            for (slug, months) in services {
                println!("  {slug:<30} {months:>4}");
            }
            println!("Latest purges (counts only):");
            for line in retention::log(pool, 20).await? {
                println!(
                    "  {}  {:<14} {}",
                    app::server::paris::format(line.ran_at),
                    line.category,
                    line.purged
                );
            }
            Ok(())
        }
        RetentionCommand::Set { category, months } => {
            let category = Category::parse(&category).context("unknown category")?;
            let months = retention::set_months(pool, category, &months)
                .await
                .map_err(|_| anyhow::anyhow!("months: a whole number between 1 and 1200"))?;
            println!("{}: kept {months} month(s).", category.key());
            Ok(())
        }
        RetentionCommand::Run => {
            let now = state.clock.now_ms();
            let purged = retention::purge(state, now).await?;
            println!(
                "Removed: {} security-log line(s), {} request(s) with {} file(s), {} appointment(s), {} notification(s).",
                purged.security_log,
                purged.requests,
                purged.attachment_files,
                purged.appointments,
                purged.notifications
            );
            Ok(())
        }
    }
}
