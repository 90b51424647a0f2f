use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = ogp_tracker::cli::Cli::parse();
    match ogp_tracker::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
