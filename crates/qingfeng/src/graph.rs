//! `qingfeng graph`: neighbourhoods, paths and the resolution of persons.

use crate::cli::{EXIT_NOT_FOUND, EXIT_OK, Format, GraphCommand};
use resolve::graph::{EDGE_KINDS, Subgraph};
use warehouse::Warehouse;

fn check_kinds(kinds: &[String]) -> anyhow::Result<()> {
    for k in kinds {
        if !EDGE_KINDS.contains(&k.as_str()) {
            anyhow::bail!("未知的关系类型 unknown edge kind {k:?}; one of: {}", EDGE_KINDS.join(", "));
        }
    }
    Ok(())
}

fn print_subgraph(sub: &Subgraph) {
    let name = |id: &str| sub.nodes.iter().find(|n| n.id == id).map(|n| n.name.clone()).unwrap_or_default();
    for n in &sub.nodes {
        println!("{:<10} {:<22} {}", format!("{:?}", n.kind).to_lowercase(), n.id, n.name);
    }
    if !sub.edges.is_empty() {
        println!();
    }
    for e in &sub.edges {
        println!("{} {} —{}:{}— {} {}  ({}×)", e.from, name(&e.from), e.kind, e.label, e.to, name(&e.to), e.count);
        for ev in &e.evidence {
            println!("    {} 批次{} 第{}行 {}", ev.table, ev.batch, ev.row, ev.detail);
        }
    }
}

pub async fn run(warehouse: &Warehouse, command: GraphCommand) -> anyhow::Result<u8> {
    if let GraphCommand::Decide { a, b, decision, note, replaces } = &command {
        for side in [a, b] {
            warehouse.check_decision_side(side).await.map_err(anyhow::Error::msg)?;
        }
        if a == b {
            anyhow::bail!("两边是同一条记录 / both sides are the same");
        }
        let audit = crate::tokens::audit(
            "entity.decide",
            format!("pair:{a}|{b}"),
            serde_json::json!({ "decision": decision, "note": note, "replaces": replaces }),
        );
        let d = warehouse.store().record_entity_decision(a, b, decision, note, *replaces, &audit).await?;
        println!("已记录判定 decision {} recorded: {} | {} → {}", d.id, d.a, d.b, d.decision);
        return Ok(EXIT_OK);
    }
    let entities = warehouse.entities().await?;
    let graph = &entities.graph;
    match command {
        GraphCommand::Neighbours { id, hops, kinds, limit, format } => {
            check_kinds(&kinds)?;
            let Some(sub) = graph.neighbours(id.trim(), hops, &kinds, limit.max(1)) else {
                eprintln!("没有这个实体 / no person, enterprise or unit {id:?} in the data");
                return Ok(EXIT_NOT_FOUND);
            };
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&sub)?),
                Format::Text => print_subgraph(&sub),
            }
        }
        GraphCommand::Path { a, b, kinds, max_hops, format } => {
            check_kinds(&kinds)?;
            for id in [&a, &b] {
                if graph.find(id.trim()).is_none() {
                    eprintln!("没有这个实体 / no person, enterprise or unit {id:?} in the data");
                    return Ok(EXIT_NOT_FOUND);
                }
            }
            let Some(sub) = graph.path(a.trim(), b.trim(), &kinds, max_hops) else {
                eprintln!("{max_hops}步之内没有路径 / no path within {max_hops} hops");
                return Ok(EXIT_NOT_FOUND);
            };
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&sub)?),
                Format::Text => print_subgraph(&sub),
            }
        }
        GraphCommand::Resolution { format } => match format {
            Format::Json => println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "mentions": entities.mentions,
                    "persons_with_valid_id": entities.keyed_persons,
                    "linked": entities.linked,
                    "review": entities.review,
                }))?
            ),
            Format::Text => {
                println!(
                    "{} 处人员记录，{} 个有效身份证号；模型关联 {} 处，待复核 {} 对 / {} mentions, {} valid ID numbers; {} linked by the model, {} pairs for review",
                    entities.mentions,
                    entities.keyed_persons,
                    entities.linked.len(),
                    entities.review.len(),
                    entities.mentions,
                    entities.keyed_persons,
                    entities.linked.len(),
                    entities.review.len()
                );
                for (title, list) in [("关联 linked", &entities.linked), ("待复核 review", &entities.review)] {
                    if list.is_empty() {
                        continue;
                    }
                    println!("\n{title}");
                    for r in list {
                        let m = &r.mention;
                        let why = resolve::link::describe(&r.evidence);
                        println!(
                            "  {} {} [{}] → {} {}  p={:.3}  {}",
                            m.reference(),
                            m.name,
                            m.id,
                            r.entity,
                            r.entity_name,
                            r.probability,
                            why
                        );
                    }
                }
            }
        },
        // Recorded above, before the resolution is built.
        GraphCommand::Decide { .. } => {}
    }
    Ok(EXIT_OK)
}
