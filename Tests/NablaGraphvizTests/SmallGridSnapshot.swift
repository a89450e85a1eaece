/// The DOT text that `GridDrawingTests.smallGridMatchesItsRecordedText()` expects for its small
/// two-layer, two-step graph. Run the test with `NABLA_RECORD_SNAPSHOTS=1` to write it anew after
/// a deliberate change to the drawing (it rewrites this file), and read the difference.
let smallGridSnapshot = ##"""
digraph computation {
  rankdir=BT;
  compound=true; newrank=true; fontname="Helvetica";
  node [fontname="Helvetica", fontsize=10];
  edge [fontname="Helvetica", fontsize=8, color="#555555"];
  n0 [label="input\n[1, 2]\nno gradient", shape=ellipse, style=filled, fillcolor="#eeeeee"];
  n2 [label="matmul (A·Bᵀ)\n[1, 6]\n‖∇‖ = 0.12", shape=box, style="rounded,filled", fillcolor="#cbf23d"];
  n4 [label="add\n[1, 6]\n‖∇‖ = 0.12", shape=box, style="rounded,filled", fillcolor="#cbf23d"];
  n5 [label="input\n[1, 2]\nno gradient", shape=ellipse, style=filled, fillcolor="#eeeeee"];
  n6 [label="matmul (A·Bᵀ)\n[1, 6]\n‖∇‖ = 0.143", shape=box, style="rounded,filled", fillcolor="#ddf23d"];
  n7 [label="add\n[1, 6]\n‖∇‖ = 0.143", shape=box, style="rounded,filled", fillcolor="#ddf23d"];
  n8 [label="h₀ layer 0\n[1, 2]\nno gradient", shape=ellipse, style=filled, fillcolor="#eeeeee"];
  n11 [label="h⁰₀ = gru.pytorch\n[1, 2]\n‖∇‖ = 0.23", shape=box, style="rounded,filled,bold", fillcolor="#f2d63d"];
  n12 [label="h⁰₁ = gru.pytorch\n[1, 2]\n‖∇‖ = 0.234", shape=box, style="rounded,filled,bold", fillcolor="#f2d43d"];
  n14 [label="matmul (A·Bᵀ)\n[1, 6]\n‖∇‖ = 0.359", shape=box, style="rounded,filled", fillcolor="#f2a73d"];
  n16 [label="add\n[1, 6]\n‖∇‖ = 0.359", shape=box, style="rounded,filled", fillcolor="#f2a73d"];
  n17 [label="matmul (A·Bᵀ)\n[1, 6]\n‖∇‖ = 0.0764", shape=box, style="rounded,filled", fillcolor="#9cf23d"];
  n18 [label="add\n[1, 6]\n‖∇‖ = 0.0764", shape=box, style="rounded,filled", fillcolor="#9cf23d"];
  n19 [label="h₀ layer 1\n[1, 2]\nno gradient", shape=ellipse, style=filled, fillcolor="#eeeeee"];
  n22 [label="h¹₀ = gru.pytorch\n[1, 2]\n‖∇‖ = 0.15", shape=box, style="rounded,filled,bold", fillcolor="#e2f23d"];
  n23 [label="h¹₁ = gru.pytorch\n[1, 2]\n‖∇‖ = 0.707", shape=box, style="rounded,filled,bold", fillcolor="#f2613d"];
  n26 [label="loss\n2 ops: sum, mul\n[]\n‖∇‖ = 1", shape=box3d, style=filled, fillcolor="#f23d3d"];
  subgraph cluster_weights_layer0 {
    label="layer0 weights, shared by t0–t1"; style="rounded"; color="#9db7e0"; fontcolor="#3a5a8c";
    n1 [label="gru.layer0.weightIH\n[6, 2]\n‖∇‖ = 0.202", shape=box, style=filled, fillcolor="#cfe2ff"];
    n3 [label="gru.layer0.biasIH\n[6]\n‖∇‖ = 0.262", shape=box, style=filled, fillcolor="#cfe2ff"];
    n9 [label="gru.layer0.weightHH\n[6, 2]\n‖∇‖ = 0.00537", shape=box, style=filled, fillcolor="#cfe2ff"];
    n10 [label="gru.layer0.biasHH\n[6]\n‖∇‖ = 0.136", shape=box, style=filled, fillcolor="#cfe2ff"];
  }
  subgraph cluster_weights_layer1 {
    label="layer1 weights, shared by t0–t1"; style="rounded"; color="#9db7e0"; fontcolor="#3a5a8c";
    n13 [label="gru.layer1.weightIH\n[6, 2]\n‖∇‖ = 0.0334", shape=box, style=filled, fillcolor="#cfe2ff"];
    n15 [label="gru.layer1.biasIH\n[6]\n‖∇‖ = 0.434", shape=box, style=filled, fillcolor="#cfe2ff"];
    n20 [label="gru.layer1.weightHH\n[6, 2]\n‖∇‖ = 0.00782", shape=box, style=filled, fillcolor="#cfe2ff"];
    n21 [label="gru.layer1.biasHH\n[6]\n‖∇‖ = 0.215", shape=box, style=filled, fillcolor="#cfe2ff"];
  }
  row_0 [label="layer0", shape=plaintext, fontcolor="#444466"];
  { rank=same; row_0; n11; n12; }
  row_0 -> n11 [style=invis];
  row_1 [label="layer1", shape=plaintext, fontcolor="#444466"];
  { rank=same; row_1; n22; n23; }
  row_1 -> n22 [style=invis];
  { rank=same; time_0 [label="t0", shape=plaintext, fontcolor="#444466"]; time_1 [label="t1", shape=plaintext, fontcolor="#444466"]; }
  n22 -> time_0 [style=invis];
  n23 -> time_1 [style=invis];
  time_0 -> time_1 [style=invis];
  n1 -> n3 -> n9 -> n10 [style=invis];
  n13 -> n15 -> n20 -> n21 [style=invis];
  n0 -> n2;
  n2 -> n4 [color="#cbf23d", penwidth=2.26];
  n5 -> n6;
  n6 -> n7 [color="#ddf23d", penwidth=2.32];
  n7 -> n11 [color="#ddf23d", penwidth=2.32];
  n8 -> n11;
  n4 -> n12 [color="#cbf23d", penwidth=2.26];
  n11 -> n12 [xlabel="h⁰₀", style=dashed, color="#f2d63d", penwidth=2.49];
  n12 -> n14 [label="h⁰₁", color="#f2d43d", penwidth=2.50];
  n14 -> n16 [color="#f2a73d", penwidth=2.64];
  n11 -> n17 [label="h⁰₀", color="#f2d63d", penwidth=2.49];
  n17 -> n18 [color="#9cf23d", penwidth=2.11];
  n18 -> n22 [color="#9cf23d", penwidth=2.11];
  n19 -> n22;
  n16 -> n23 [color="#f2a73d", penwidth=2.64];
  n22 -> n23 [xlabel="h¹₀", style=dashed, color="#e2f23d", penwidth=2.34];
  n23 -> n26 [label="h¹₁", color="#f2613d", penwidth=2.88];
  n10 -> n11 [ltail=cluster_weights_layer0, style=dotted, color="#7f9cc8", constraint=false, xlabel="read by t0–t1"];
  n21 -> n22 [ltail=cluster_weights_layer1, style=dotted, color="#7f9cc8", constraint=false, xlabel="read by t0–t1"];
  subgraph cluster_legend {
    label="legend"; style="rounded"; color="#bbbbbb"; fontcolor="#666666";
    legend_input [label="input", shape=ellipse, style=filled, fillcolor="#eeeeee"];
    legend_parameter [label="parameter", shape=box, style=filled, fillcolor="#cfe2ff"];
    legend_op [label="op", shape=box, style="rounded,filled", fillcolor="#fff8dc"];
    legend_state [label="state hᴸₜ\n(layer L, time t)", shape=box, style="rounded,filled,bold", fillcolor="#dff0d8"];
    legend_box [label="closed scope\n(its ops in one box)", shape=box3d, style=filled, fillcolor="#fde2e4"];
    legend_scale [shape=plaintext, label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD COLSPAN="9">‖∇‖, log scale, fixed</TD></TR><TR><TD BGCOLOR="#3d44f2" WIDTH="14" HEIGHT="12"></TD><TD BGCOLOR="#3d9ef2" WIDTH="14" HEIGHT="12"></TD><TD BGCOLOR="#3df2ed" WIDTH="14" HEIGHT="12"></TD><TD BGCOLOR="#3df293" WIDTH="14" HEIGHT="12"></TD><TD BGCOLOR="#40f23d" WIDTH="14" HEIGHT="12"></TD><TD BGCOLOR="#9af23d" WIDTH="14" HEIGHT="12"></TD><TD BGCOLOR="#f2f03d" WIDTH="14" HEIGHT="12"></TD><TD BGCOLOR="#f2963d" WIDTH="14" HEIGHT="12"></TD><TD BGCOLOR="#f23d3d" WIDTH="14" HEIGHT="12"></TD></TR><TR><TD COLSPAN="3" ALIGN="LEFT">0.001</TD><TD COLSPAN="3" ALIGN="CENTER">0.0316</TD><TD COLSPAN="3" ALIGN="RIGHT">1</TD></TR></TABLE>>];
    legend_input_from [shape=point, width=0.05]; legend_input_to [shape=point, width=0.05];
    legend_input_from -> legend_input_to [label="state as input\n(layer above, or output)"];
    legend_recurrent_from [shape=point, width=0.05]; legend_recurrent_to [shape=point, width=0.05];
    legend_recurrent_from -> legend_recurrent_to [label="state as recurrent input\n(next step)", style=dashed];
    legend_input -> legend_parameter -> legend_op -> legend_state -> legend_box -> legend_scale [style=invis];
  }
}

"""##
