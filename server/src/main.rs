use clap::Parser;

// Rendering a page allocates many small strings; glibc's malloc spent about a tenth of
// the server's CPU on them under load (bench/RESULTS.md, issue 11).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
