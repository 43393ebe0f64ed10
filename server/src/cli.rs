//! Command-line interface of the `parvis` binary.

use clap::{Args, Parser, Subcommand};

/// Parvis: the residents' portal of a French commune.
#[derive(Debug, Parser)]
#[command(name = "parvis", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; `serve` when omitted.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site (runs pending migrations first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo commune's data (idempotent).
    DemoData,
    /// Load benchmark data on top of the demo commune (never on a real instance).
    BenchData(BenchDataArgs),
    /// Load a survey with many answers and time concurrent sendings (never on a real
    /// instance).
    SurveyBenchData(SurveyBenchArgs),
    /// Render one page a number of times in this process, signed in, with nothing else
    /// running (read by `.ci/instructions`, which counts its instructions; never needed
    /// on a real instance).
    RenderPages(RenderPagesArgs),
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Retention of personal data: periods, purge log, purge now.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Terms of use: publish a new version (accounts accept it at their next sign-in).
    Terms {
        #[command(subcommand)]
        command: TermsCommand,
    },
}

/// Terms sub-commands.
#[derive(Debug, Subcommand)]
pub enum TermsCommand {
    /// Publish a new version; `summary` says what changed (shown when asking to accept).
    Publish { summary: String },
}

/// Retention sub-commands.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Show each category's period (and each service's, for requests) and the latest
    /// purges.
    Show,
    /// Set a category's period in months (1 to 1200).
    Set {
        /// security_log, appointments, notifications or data_requests (requests follow their service's
        /// period, set on the service's page).
        #[arg(value_parser = ["security_log", "appointments", "notifications", "data_requests"])]
        category: String,
        months: String,
    },
    /// Remove now what is past its period (the server does it once a day by itself).
    Run,
}

/// Account sub-commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add(UserAdd),
    /// Erase an account now, as its owner asked in writing (residents ask from their
    /// space, with a cooling-off period). Filed requests and past appointments stay until
    /// their retention period ends.
    Erase {
        #[arg(long)]
        email: String,
        /// What becomes of the person's proposals and comments.
        #[arg(long, value_parser = ["pseudonymise", "delete"])]
        mode: String,
    },
}

/// `parvis user add`.
#[derive(Debug, Args)]
pub struct UserAdd {
    /// E-mail address (also the sign-in identifier).
    #[arg(long)]
    pub email: String,
    /// citizen, agent, moderator or admin.
    #[arg(long, value_parser = ["citizen", "agent", "moderator", "admin"])]
    pub role: String,
    /// Name shown to others (defaults to the e-mail address).
    #[arg(long, default_value = "")]
    pub name: String,
    /// Read the password from the first line of standard input (required: passwords
    /// never go on the command line, where `ps` and shell history would show them).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

/// `parvis render-pages`.
#[derive(Debug, Args)]
pub struct RenderPagesArgs {
    /// The page's path, e.g. `/forum/propositions/2`.
    pub path: String,
    /// How many times to render it.
    #[arg(long, default_value_t = 1)]
    pub times: u32,
    /// The demo account to sign in with (`parvis demo-data`).
    #[arg(long, default_value = "yanis.benali@example.org")]
    pub email: String,
}

/// `parvis bench-data`.
#[derive(Debug, Args)]
pub struct BenchDataArgs {
    /// Proposals to add.
    #[arg(long, default_value_t = 10_000)]
    pub proposals: usize,
    /// Comments on the proposal with a typical discussion.
    #[arg(long, default_value_t = 50)]
    pub typical_comments: usize,
    /// Comments on the proposal with a long discussion.
    #[arg(long, default_value_t = 500)]
    pub long_comments: usize,
}

/// `parvis survey-bench-data`.
#[derive(Debug, Args)]
pub struct SurveyBenchArgs {
    /// Answers to load.
    #[arg(long, default_value_t = 100_000)]
    pub answers: usize,
    /// Sendings to time after loading.
    #[arg(long, default_value_t = 2_000)]
    pub sendings: usize,
    /// Sendings in flight at once.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_commands_parse_and_refuse_unknown_categories() {
        let cli = Cli::try_parse_from(["parvis", "retention", "set", "security_log", "6"])
            .expect("valid");
        assert!(matches!(
            cli.command,
            Some(Command::Retention {
                command: RetentionCommand::Set { ref category, ref months }
            }) if category == "security_log" && months == "6"
        ));
        assert!(Cli::try_parse_from(["parvis", "retention", "set", "users", "6"]).is_err());
        assert!(Cli::try_parse_from(["parvis", "retention", "run"]).is_ok());
    }

    #[test]
    fn an_erasure_names_its_mode() {
        assert!(Cli::try_parse_from(["parvis", "user", "erase", "--email", "a@b.fr"]).is_err());
        assert!(Cli::try_parse_from([
            "parvis", "user", "erase", "--email", "a@b.fr", "--mode", "forget"
        ])
        .is_err());
        assert!(Cli::try_parse_from([
            "parvis", "user", "erase", "--email", "a@b.fr", "--mode", "delete"
        ])
        .is_ok());
        assert!(Cli::try_parse_from(["parvis", "terms", "publish", "Nouvelle charte"]).is_ok());
    }
}
